//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newKillCommand(a *app) *cobra.Command {
	var signal string
	cmd := &cobra.Command{
		Use:   "kill [flags] CONTAINER [CONTAINER...]",
		Short: "Send a signal to containers (SIGKILL by default)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sig, err := runtime.ParseSignal(signal)
			if signal == "0" {
				sig, err = 0, nil // checks that the container runs, as kill(1)
			}
			if err != nil {
				return err
			}
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if err := runtime.Kill(env, c, sig); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.Name)
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&signal, "signal", "s", "KILL", "signal to send")
	return cmd
}
