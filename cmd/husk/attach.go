//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/attach"
)

func newAttachCommand(a *app) *cobra.Command {
	var noStdin bool
	cmd := &cobra.Command{
		Use:   "attach [flags] CONTAINER",
		Short: "Attach to a running container: its output from now on, your input if it was started with -i",
		Long: `Print what a running detached container writes from now on, until it
exits, then exit with its exit code. If the container was started with -i,
what you type (or pipe) goes to its stdin.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := attach.Options{Stdout: a.stdout, Stderr: a.stderr}
			if !noStdin {
				o.Stdin = stdinFile(a.stdin)
			}
			var code int
			err := a.withContainers(args, func(env runtime.Env, c *runtime.Container) (err error) {
				runtime.RecordEvent(env, c, events.Attach)
				code, err = attach.Attach(cmd.Context(), env, c, o)
				return err
			})
			return containerExit(code, err)
		},
	}
	cmd.Flags().BoolVar(&noStdin, "no-stdin", false, "do not forward input")
	return cmd
}
