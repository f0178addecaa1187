//go:build linux

package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// container exists, cleanup, checkpoint and restore, as podman has them.
func newContainerMoreCommands(a *app) []*cobra.Command {
	exists := &cobra.Command{
		Use:   "exists CONTAINER",
		Short: "Exit 0 if the container exists, 1 if not",
		Args:  cobra.ExactArgs(1),
		RunE: a.storeRunE(func(store *storage.Store, args []string) error {
			if _, err := runtime.Lookup(store, args[0]); errors.Is(err, runtime.ErrContainerUnknown) {
				return &exitCodeError{code: 1}
			} else {
				return err
			}
		}),
	}
	var rm bool
	cleanup := &cobra.Command{
		Use:   "cleanup [flags] CONTAINER [CONTAINER...]",
		Short: "Unmount a stopped container's file system (what its monitor does as it stops); --rm removes it too",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				err := runtime.Cleanup(env, c)
				if err == nil && rm {
					err = runtime.Remove(cmd.Context(), env, c, false)
				}
				if err == nil {
					fmt.Fprintln(a.stdout, c.ID)
				}
				return err
			})
		},
	}
	cleanup.Flags().BoolVar(&rm, "rm", false, "remove the container after cleaning it up")
	cmds := []*cobra.Command{exists, cleanup}
	for _, verb := range []string{"checkpoint", "restore"} {
		cmds = append(cmds, &cobra.Command{
			Use:         verb + " CONTAINER",
			Short:       "Refused: husk does not " + verb + " containers (podman needs root and CRIU for it)",
			Annotations: noNamespace,
			RunE: func(cmd *cobra.Command, args []string) error {
				if a.state.Rootless {
					return fmt.Errorf("%sing a container requires root (and CRIU), as podman's does; husk does not do it rootless", verb)
				}
				return fmt.Errorf("husk does not %s containers: it would need CRIU, which husk does not drive; use podman as root", verb)
			},
		})
	}
	return cmds
}
