//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newUpdateCommand(a *app) *cobra.Command {
	var rf *resourceFlags
	cmd := &cobra.Command{
		Use:   "update [flags] CONTAINER",
		Short: "Change the resource limits of a container (running ones at once)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if !rf.changed() {
					// Nothing to change: podman 4.3.1 prints the ID and
					// exits 0.
					fmt.Fprintln(a.stdout, c.ID)
					return nil
				}
				res := c.Config.Resources
				if err := rf.apply(&res); err != nil {
					return err
				}
				if err := runtime.Update(cmd.Context(), env, c, res); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.ID)
				return nil
			})
		},
	}
	rf = addResourceFlags(cmd.Flags())
	return cmd
}
