//go:build linux

package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newWaitCommand(a *app) *cobra.Command {
	var (
		o        runtime.WaitOptions
		interval string
		latest   bool
	)
	cmd := &cobra.Command{
		Use:   "wait [flags] CONTAINER [CONTAINER...]",
		Short: "Wait for containers to stop (or reach a state) and print their exit codes",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !latest {
				return fmt.Errorf("\"husk wait\" requires a name, id, or the \"--latest\" flag")
			}
			var err error
			if o.Interval, err = runtime.ParseWaitInterval(interval); err != nil {
				return err
			}
			if err := runtime.CheckWaitConditions(o.Conditions); err != nil {
				return err
			}
			sel := runtime.Selection{Refs: args, Latest: latest}
			return a.withSelection(sel, func(env runtime.Env, t runtime.Target) error {
				code, err := runtime.Wait(cmd.Context(), env, t.C, o)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, code)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.Conditions, "condition", nil, "wait until the container is in one of these states: "+strings.Join(runtime.WaitConditions, ", "))
	f.StringVarP(&interval, "interval", "i", "250ms", "how often to read the state for --condition (a duration, or milliseconds)")
	f.BoolVarP(&latest, "latest", "l", false, "wait for the container created last")
	return cmd
}
