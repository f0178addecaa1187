//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newTopCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "top CONTAINER",
		Short: "Show the processes of a running container",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				procs, err := runtime.Top(cmd.Context(), env, c)
				if err != nil {
					return err
				}
				tw := format.NewTable(a.stdout)
				fmt.Fprintln(tw, "PID\tUID\tSTATE\tCOMMAND")
				for _, p := range procs {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", p.Pid, p.UID, p.State, p.Command)
				}
				return tw.Flush()
			})
		},
	}
}
