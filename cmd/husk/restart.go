//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newRestartCommand(a *app) *cobra.Command {
	var (
		timeout int
		sel     runtime.Selection
		filters []string
	)
	cmd := &cobra.Command{
		Use:   "restart [flags] CONTAINER [CONTAINER...]",
		Short: "Stop and start containers again (detached)",
		RunE: func(cmd *cobra.Command, args []string) error {
			sel.Refs = args
			if err := a.filterSelection(&sel, filters); err != nil {
				return err
			}
			return a.withSelection(sel, func(env runtime.Env, t runtime.Target) error {
				c := t.C
				if err := runtime.Stop(cmd.Context(), env, c, stopTimeout(cmd.Flags().Changed("time"), timeout, c)); err != nil {
					return err
				}
				if err := c.Reload(); err != nil {
					return err
				}
				if err := a.startExisting(cmd.Context(), env, c, false, false, t.Ref, allStreams); err != nil {
					return err
				}
				runtime.RecordEvent(env, c, events.Restart)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.IntVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container (default: its --stop-timeout, else 10)")
	f.BoolVarP(&sel.All, "all", "a", false, "restart all containers")
	f.BoolVar(&sel.RunningOnly, "running", false, "with --all, restart only the running containers")
	f.BoolVarP(&sel.Latest, "latest", "l", false, "restart the container created last")
	stringArrayVar(f, &sel.CIDFiles, "cidfile", nil, "restart the container whose ID the file holds (run --cidfile)")
	stringArrayVarP(f, &filters, "filter", "f", nil, "restart the containers that match KEY=VALUE (the filters of ps, but before and since)")
	return cmd
}
