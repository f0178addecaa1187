//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newWaitCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "wait CONTAINER [CONTAINER...]",
		Short: "Wait for containers to stop and print their exit codes",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				code, err := runtime.WaitExit(cmd.Context(), env, c)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, code)
				return nil
			})
		},
	}
}
