//go:build linux

package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/attach"
)

func newAttachCommand(a *app) *cobra.Command {
	var (
		noStdin    bool
		detachKeys string
	)
	cmd := &cobra.Command{
		Use:   "attach [flags] CONTAINER",
		Short: "Attach to a running container: its output from now on, your input if it was started with -i",
		Long: `Print what a running detached container writes from now on, until it
exits, then exit with its exit code. If the container was started with -i,
what you type (or pipe) goes to its stdin; when that input ends, the
container's stdin is closed too unless it has a terminal (as podman's).
The detach sequence (--detach-keys, ctrl-p,ctrl-q by default) leaves it
running, its stdin open, and ends attach with exit code 0.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := attach.ParseDetachKeys(detachKeys)
			if err != nil {
				return err
			}
			o := attach.Options{Stdout: a.stdout, Stderr: a.stderr, DetachKeys: keys}
			if !noStdin {
				o.Stdin = stdinFile(a.stdin)
			}
			var code int
			err = a.withContainers(args, func(env runtime.Env, c *runtime.Container) (err error) {
				runtime.RecordEvent(env, c, events.Attach)
				code, err = attach.Attach(cmd.Context(), env, c, o)
				return err
			})
			if errors.Is(err, attach.ErrDetached) {
				return nil // the container goes on, as podman's
			}
			return containerExit(code, err)
		},
	}
	cmd.Flags().BoolVar(&noStdin, "no-stdin", false, "do not forward input")
	cmd.Flags().StringVar(&detachKeys, "detach-keys", attach.DefaultDetachKeys, "the keys that detach, leaving the container running: comma-separated, each a character or ctrl-X (X one of a-z @ [ \\ ] ^ _); \"\" for none")
	return cmd
}
