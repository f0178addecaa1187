//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newRestartCommand(a *app) *cobra.Command {
	var timeout int
	cmd := &cobra.Command{
		Use:   "restart [flags] CONTAINER [CONTAINER...]",
		Short: "Stop and start containers again (detached)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if err := runtime.Stop(cmd.Context(), env, c, stopTimeout(cmd.Flags().Changed("time"), timeout, c)); err != nil {
					return err
				}
				if err := c.Reload(); err != nil {
					return err
				}
				if err := a.startExisting(cmd.Context(), env, c, false, false); err != nil {
					return err
				}
				runtime.RecordEvent(env, c, events.Restart)
				return nil
			})
		},
	}
	cmd.Flags().IntVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container")
	return cmd
}
