//go:build linux

package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/logs"
)

func newLogsCommand(a *app) *cobra.Command {
	var follow, timestamps bool
	var tail int
	var sinceArg string
	cmd := &cobra.Command{
		Use:   "logs [flags] CONTAINER",
		Short: "Show a detached container's output",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			since, err := logs.ParseSince(sinceArg, time.Now())
			if err != nil {
				return err
			}
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				return logs.Follow(cmd.Context(), env, c, runtime.LogOptions{
					Follow: follow, Tail: tail, Since: since, Timestamps: timestamps, Stdout: a.stdout, Stderr: a.stderr,
				})
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&follow, "follow", "f", false, "keep printing new output until the container stops")
	f.BoolVarP(&timestamps, "timestamps", "t", false, "prefix each line with its time")
	f.IntVar(&tail, "tail", -1, "print only the last N lines")
	f.StringVar(&sinceArg, "since", "", "only output since a time (RFC 3339) or for a duration (e.g. 10m)")
	return cmd
}
