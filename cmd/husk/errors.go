//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
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
	fmt.Fprintf(stderr, "husk: %s\n", message(err))
	return exitHusk
}

// message is err's text for the user: the settings husk's libraries name
// (internal/setting) are spelled as the flags that set them.
func message(err error) string {
	return strings.TrimSpace(setting.SpellAll(err, flagOf))
}

// flagOf spells a setting as its flag: a library's "memory-swap" is the
// user's --memory-swap, "cgroups=disabled" is --cgroups=disabled. Every
// setting the libraries name is a flag of the same name (a test checks).
func flagOf(name string) string { return "--" + name }

func errorsIs(err, target error) bool { return errors.Is(err, target) }
