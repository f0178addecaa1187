//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes, as podman and docker use them.
const (
	exitHusk      = 125 // husk's own error
	exitCannotRun = 126 // the container command cannot be invoked
	exitNotFound  = 127 // the container command was not found
)

// exitCodeError ends husk with a given code; msg may be empty when the
// reason was already shown (e.g. by the namespaced child).
type exitCodeError struct {
	code int
	msg  string
}

func (e *exitCodeError) Error() string { return e.msg }

// exitCode maps an error to husk's exit code and prints it once.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		if ec.msg != "" {
			fmt.Fprintf(stderr, "husk: %s\n", ec.msg)
		}
		return ec.code
	}
	msg := strings.TrimSpace(err.Error())
	fmt.Fprintf(stderr, "husk: %s\n", msg)
	return exitHusk
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
