//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newUpdateCommand(a *app) *cobra.Command {
	var (
		rf      *resourceFlags
		restart string
	)
	cmd := &cobra.Command{
		Use:   "update [flags] CONTAINER",
		Short: "Change the resource limits (running containers at once) or the restart policy of a container",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			policy, err := ctropts.ParseRestart(restart)
			if err != nil {
				return withFlagNames(err)
			}
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if cmd.Flags().Changed("restart") {
					if err := runtime.SetRestartPolicy(c, policy); err != nil {
						return withFlagNames(err)
					}
				}
				if !rf.changed() {
					// Nothing (else) to change: podman 4.3.1 prints the
					// ID and exits 0.
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
	cmd.Flags().StringVar(&restart, "restart", "", "change the restart policy: no, on-failure[:N], always or unless-stopped (a running container's monitor applies it at its next exit)")
	return cmd
}
