//go:build linux

package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newStopCommand(a *app) *cobra.Command {
	var timeout int
	cmd := &cobra.Command{
		Use:   "stop [flags] CONTAINER [CONTAINER...]",
		Short: "Stop containers: the image's stop signal, then SIGKILL after the timeout",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if err := runtime.Stop(cmd.Context(), env, c, stopTimeout(cmd.Flags().Changed("time"), timeout, c)); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.Name)
				return nil
			})
		},
	}
	cmd.Flags().IntVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container (default: its --stop-timeout, else 10)")
	return cmd
}

// stopTimeout is -t when given, else the container's --stop-timeout.
func stopTimeout(given bool, seconds int, c *runtime.Container) time.Duration {
	d := time.Duration(seconds) * time.Second
	if given {
		return d
	}
	return runtime.StopTimeoutOf(c, d)
}
