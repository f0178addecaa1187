//go:build linux && !husk_core && !husk_transfer

package main

import (
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/compose"
	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// runCompose carries out a compose command with the husk commands beside
// this binary (pkg/compose). An interrupt ends what runs (a foreground up
// then stops its containers).
func (a *app) runCompose(cmd *cobra.Command, r composeopts.Request) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h := &compose.CLI{Path: compose.FindHusk(exe), GlobalArgs: a.globalArgs()}
	err = compose.Do(ctx, compose.Env{Husk: h, In: a.stdin, Out: a.stdout, Err: a.stderr}, r)
	// exec and run end with their command's code, which husk reported.
	var ee *compose.ExitError
	if errors.As(err, &ee) && (r.Verb == "exec" || r.Verb == "run") && errors.Unwrap(err) == nil {
		return &exitCodeError{code: ee.Code}
	}
	// up --abort-on-container-exit / --exit-code-from ends with the
	// container's code.
	var ue *compose.UpExit
	if errors.As(err, &ue) {
		return &exitCodeError{code: ue.Code}
	}
	return err
}
