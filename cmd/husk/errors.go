//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/transfer"
	"github.com/husk-dev/husk/pkg/runtime"
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
	if errors.Is(err, transfer.ErrReported) {
		return exitHusk // the helper has said why
	}
	if errors.Is(err, runtime.ErrInterrupted) {
		fmt.Fprintf(stderr, "husk: %s\n", message(err))
		if n := stopSignal.Load(); n != 0 {
			return 128 + int(n)
		}
		return exitHusk
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
	if s, ok := err.(*spelledError); ok {
		return strings.TrimSpace(s.msg)
	}
	return strings.TrimSpace(setting.SpellAll(err, flagOf))
}

// shortFlags are the one-letter flags of the settings that messages name
// in the short form ({-volume}: -v, the form users type).
var shortFlags = map[string]string{"volume": "v", "env": "e", "user": "u", "workdir": "w", "output": "o", "input": "i", "force": "f"}

// flagOf spells a setting as its flag: a library's "memory-swap" is the
// user's --memory-swap, "cgroups=disabled" is --cgroups=disabled, and
// "-volume" is -v. Every setting the libraries name is a flag of the same
// name (a test checks).
func flagOf(name string) string {
	if n, ok := strings.CutPrefix(name, "-"); ok {
		if s, ok := shortFlags[n]; ok {
			return "-" + s
		}
		name = n
	}
	return "--" + name
}

// flagsGiven reports, for the libraries, which settings were given as
// flags in fs.
func flagsGiven(fs *pflag.FlagSet) func(name string) bool {
	return func(name string) bool { return fs.Changed(name) }
}

// withFlagNames is err with its message spelled as message does, for
// callers that show err.Error() themselves; it wraps err.
func withFlagNames(err error) error {
	if _, ok := setting.As(err); !ok {
		return err
	}
	return &spelledError{msg: setting.SpellAll(err, flagOf), err: err}
}

// spelledError is an error whose settings were spelled as flags.
type spelledError struct {
	msg string
	err error
}

func (e *spelledError) Error() string { return e.msg }
func (e *spelledError) Unwrap() error { return e.err }

// containerExit ends husk with a container command's result: its exit
// code, 127 when the command was not found, 126 when it could not be
// invoked.
func containerExit(code int, err error) error {
	switch {
	case errors.Is(err, runtime.ErrCommandNotFound):
		return &exitCodeError{code: exitNotFound, msg: message(err)}
	case errors.Is(err, runtime.ErrCannotInvoke):
		return &exitCodeError{code: exitCannotRun, msg: message(err)}
	case err != nil:
		return err
	case code != 0:
		return &exitCodeError{code: code}
	}
	return nil
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
