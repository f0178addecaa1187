//go:build linux

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
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
			var sinceT time.Time
			if sinceArg != "" {
				if d, err := time.ParseDuration(sinceArg); err == nil {
					sinceT = time.Now().Add(-d)
				} else if t, err := time.Parse(time.RFC3339, sinceArg); err == nil {
					sinceT = t
				} else {
					return fmt.Errorf("invalid --since %q: use a duration (10m) or an RFC 3339 time", sinceArg)
				}
			}
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				return returnOnStop(cmd.Context(), func() error {
					return runtime.FollowLog(cmd.Context(), env, c, runtime.LogOptions{
						Follow: follow, Tail: tail, Since: sinceT, Timestamps: timestamps,
						Stdout: a.stdout, Stderr: a.stderr,
					})
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

// logsStopGrace is how long logs may take to stop after SIGINT or
// SIGTERM. FollowLog stops at its next read, but a write to a pipe whose
// reader stopped reading blocks; past the grace the command returns and
// the process exits with the write pending.
const logsStopGrace = time.Second

// returnOnStop runs fn and returns its error, or nil when ctx was
// cancelled and fn has not returned within logsStopGrace.
func returnOnStop(ctx context.Context, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	select {
	case err := <-done:
		return err
	case <-time.After(logsStopGrace):
		return nil
	}
}
