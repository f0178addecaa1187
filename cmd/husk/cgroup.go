//go:build linux

package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newPauseCommand(a *app) *cobra.Command {
	return newFreezeCommand(a, "pause", "Freeze every process of containers (cgroup freezer)", runtime.Pause)
}

func newUnpauseCommand(a *app) *cobra.Command {
	return newFreezeCommand(a, "unpause", "Thaw paused containers", runtime.Unpause)
}

// newFreezeCommand builds pause and unpause: fn for each named container,
// printing its name.
func newFreezeCommand(a *app, verb, short string, fn func(runtime.Env, *runtime.Container) error) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " CONTAINER [CONTAINER...]",
		Short: short,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if err := fn(env, c); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.Name)
				return nil
			})
		},
	}
}

func newUpdateCommand(a *app) *cobra.Command {
	var rf *resourceFlags
	cmd := &cobra.Command{
		Use:   "update [flags] CONTAINER",
		Short: "Change the resource limits of a container (running ones at once)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !rf.changed() {
				return fmt.Errorf("nothing to update: give at least one limit (e.g. --memory 512m)")
			}
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				res := c.Config.Resources
				if err := rf.apply(&res); err != nil {
					return err
				}
				if err := runtime.Update(cmd.Context(), env, c, res); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.ID)
				return nil
			})
		},
	}
	rf = addResourceFlags(cmd.Flags())
	return cmd
}

// statsRow is one line of husk stats; its fields are what --format sees.
type statsRow struct {
	ID, Name                string
	CPUPerc                 string
	MemUsage, MemLimit      string
	MemPerc                 string
	NetIO, BlockIO, PIDs    string
	CPUNano                 uint64 `json:"cpuNano"`
	MemBytes                uint64 `json:"memBytes"`
	MemorySource            string `json:"memorySource"`
	BlockRead, BlockWritten uint64
	PidsCount               uint64 `json:"pids"`
	sample                  cgroups.Stats
}

func newStatsCommand(a *app) *cobra.Command {
	var noStream, all bool
	var format string
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "stats [flags] [CONTAINER...]",
		Short: "Show CPU, memory, process and I/O use of running containers, from their cgroups",
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := newFormatter(format)
			if err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			var cs []*runtime.Container
			if len(args) == 0 {
				list, err := runtime.List(store)
				if err != nil {
					return err
				}
				for _, c := range list {
					if runtime.Refresh(env, c) == nil && c.Alive() && c.State.Cgroup != "" {
						cs = append(cs, c)
					}
				}
			} else {
				for _, n := range args {
					c, err := runtime.Lookup(store, n)
					if err != nil {
						return err
					}
					cs = append(cs, c)
				}
			}
			_ = all
			prev := map[string]cgroups.Stats{}
			prevAt := time.Now()
			read := func() ([]statsRow, error) {
				now := time.Now()
				var rows []statsRow
				for _, c := range cs {
					s, err := runtime.Stats(env, c)
					if err != nil {
						if len(args) > 0 {
							return nil, err
						}
						continue
					}
					rows = append(rows, makeStatsRow(c, s, prev[c.ID], now.Sub(prevAt)))
					prev[c.ID] = s
				}
				prevAt = now
				return rows, nil
			}
			if _, err := read(); err != nil {
				return err
			}
			first := true
			for {
				wait := interval
				if first && noStream {
					wait = 250 * time.Millisecond
				}
				select {
				case <-cmd.Context().Done():
					return nil
				case <-time.After(wait):
				}
				rows, err := read()
				if err != nil {
					return err
				}
				if !noStream && format == "" {
					fmt.Fprint(a.stdout, "\033[2J\033[H")
				}
				if err := printStats(a.stdout, fm, format, rows); err != nil {
					return err
				}
				if noStream {
					return nil
				}
				first = false
			}
		},
	}
	f := cmd.Flags()
	f.BoolVar(&noStream, "no-stream", false, "print one reading and exit")
	f.BoolVarP(&all, "all", "a", false, "accepted for compatibility: only running containers have statistics")
	f.StringVar(&format, "format", "", "json or a Go template (e.g. '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}')")
	f.DurationVarP(&interval, "interval", "i", time.Second, "time between readings when streaming")
	return cmd
}

func makeStatsRow(c *runtime.Container, s, prev cgroups.Stats, elapsed time.Duration) statsRow {
	r := statsRow{ID: c.ID[:12], Name: c.Name, NetIO: "--", BlockIO: "--", sample: s,
		CPUNano: s.CPUUsec * 1000, MemBytes: s.Memory, MemorySource: s.MemorySource, PidsCount: s.Pids}
	r.CPUPerc = "--"
	if prev.CPUUsec != 0 || s.CPUUsec != 0 {
		if elapsed > 0 && s.CPUUsec >= prev.CPUUsec {
			r.CPUPerc = fmt.Sprintf("%.2f%%", float64(s.CPUUsec-prev.CPUUsec)*1000/float64(elapsed.Nanoseconds())*100)
		}
	}
	r.MemUsage = humanSize(int64(s.Memory))
	if s.MemorySource == "rss" {
		r.MemUsage += " (rss)"
	}
	r.MemLimit, r.MemPerc = "--", "--"
	if s.MemoryLimit > 0 {
		r.MemLimit = humanSize(int64(s.MemoryLimit))
		r.MemPerc = fmt.Sprintf("%.2f%%", float64(s.Memory)*100/float64(s.MemoryLimit))
	}
	if s.IOOK {
		r.BlockIO = humanSize(int64(s.IORead)) + " / " + humanSize(int64(s.IOWrite))
		r.BlockRead, r.BlockWritten = s.IORead, s.IOWrite
	}
	r.PIDs = fmt.Sprint(s.Pids)
	return r
}

func printStats(w io.Writer, fm *formatter, format string, rows []statsRow) error {
	switch {
	case format == "json":
		if rows == nil {
			rows = []statsRow{}
		}
		return writeJSON(w, rows)
	case fm.tmpl != nil:
		var items []any
		for _, r := range rows {
			items = append(items, r)
		}
		return fm.renderTemplate(w, items)
	}
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCPU %\tMEM USAGE / LIMIT\tMEM %\tNET IO\tBLOCK IO\tPIDS")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s / %s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.CPUPerc, r.MemUsage, r.MemLimit, r.MemPerc, r.NetIO, r.BlockIO, r.PIDs)
	}
	return tw.Flush()
}
