//go:build linux

package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/logs"
)

func newLogsCommand(a *app) *cobra.Command {
	var follow, timestamps, names bool
	var tail int
	var sinceArg, untilArg string
	cmd := &cobra.Command{
		Use:   "logs [flags] CONTAINER [CONTAINER...]",
		Short: "Show a container's output",
		Long: `Show the output of containers, detached or not. The lines of several
containers' logs start with the container's short ID (its name with --names).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			now := time.Now()
			since, err := logs.ParseTime(sinceArg, logs.Since, now)
			if err != nil {
				return err
			}
			until, err := logs.ParseTime(untilArg, logs.Until, now)
			if err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			cs := make([]*runtime.Container, 0, len(args))
			for _, n := range args {
				c, err := runtime.Lookup(store, n)
				if err != nil {
					return err
				}
				cs = append(cs, c)
			}
			naming := logs.ByID
			if names {
				naming = logs.ByName
			}
			return logs.Show(cmd.Context(), env, cs, naming, runtime.LogOptions{
				Follow: follow, Tail: tail, Since: since, Until: until, Timestamps: timestamps, Stdout: a.stdout, Stderr: a.stderr,
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&follow, "follow", "f", false, "keep printing new output until the container stops")
	f.BoolVarP(&timestamps, "timestamps", "t", false, "prefix each line with its time")
	f.BoolVarP(&names, "names", "n", false, "start each line of several logs with the container's name, not its ID")
	f.IntVar(&tail, "tail", -1, "print only the last N lines")
	f.StringVar(&sinceArg, "since", "", "only output since a time (RFC 3339, Unix seconds) or for a duration back (10m)")
	f.StringVar(&untilArg, "until", "", "only output until a time (RFC 3339, Unix seconds) or a duration from now (10m, as podman)")
	return cmd
}
