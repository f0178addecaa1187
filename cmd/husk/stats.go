//go:build linux

package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/ctrstats"
	"github.com/husk-dev/husk/internal/format"
)

func newStatsCommand(a *app) *cobra.Command {
	var o ctrstats.Options
	var all bool
	var outFormat string
	cmd := &cobra.Command{
		Use:   "stats [flags] [CONTAINER...]",
		Short: "Show CPU, memory, process and I/O use of running containers, from their cgroups",
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			o.Names = args
			return ctrstats.Run(cmd.Context(), store, env, fm, o, a.stdout)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.NoStream, "no-stream", false, "print one reading and exit")
	f.BoolVarP(&all, "all", "a", false, "accepted for compatibility: only running containers have statistics")
	f.StringVar(&outFormat, "format", "", "json or a Go template (e.g. '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}')")
	f.DurationVarP(&o.Interval, "interval", "i", time.Second, "time between readings when streaming")
	return cmd
}
