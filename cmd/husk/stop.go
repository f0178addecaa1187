//go:build linux

package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newStopCommand(a *app) *cobra.Command {
	var (
		timeout int
		sel     runtime.Selection
		filters []string
	)
	cmd := &cobra.Command{
		Use:   "stop [flags] CONTAINER [CONTAINER...]",
		Short: "Stop containers: the image's stop signal, then SIGKILL after the timeout",
		RunE: func(cmd *cobra.Command, args []string) error {
			sel.Refs = args
			if err := a.filterSelection(&sel, filters); err != nil {
				return err
			}
			return a.withSelection(sel, func(env runtime.Env, t runtime.Target) error {
				if err := runtime.Stop(cmd.Context(), env, t.C, stopTimeout(cmd.Flags().Changed("time"), timeout, t.C)); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, t.Ref)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.IntVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container (default: its --stop-timeout, else 10)")
	f.BoolVarP(&sel.All, "all", "a", false, "stop all containers")
	f.BoolVarP(&sel.Latest, "latest", "l", false, "stop the container created last")
	f.BoolVarP(&sel.Ignore, "ignore", "i", false, "skip names that are not containers")
	stringArrayVar(f, &sel.CIDFiles, "cidfile", nil, "stop the container whose ID the file holds (run --cidfile)")
	stringArrayVarP(f, &filters, "filter", "f", nil, "stop the containers that match KEY=VALUE (the filters of ps, but before and since)")
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
