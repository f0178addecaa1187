//go:build linux

package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/ctrstats"
	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/pod"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/logs"
)

// podMembers opens the store and returns the pod's containers, the
// infra container too with infra.
func (a *app) podMembers(ref string, infra bool, fn func(env runtime.Env, p *pod.Pod, cs []*runtime.Container) error) error {
	store, env, err := a.openEnv()
	if err != nil {
		return err
	}
	defer store.Close()
	p, err := pod.Lookup(store, ref)
	if err != nil {
		return err
	}
	cs, err := pod.Members(env, p)
	if err != nil {
		return err
	}
	var out []*runtime.Container
	for _, c := range cs {
		if infra || !c.Config.Infra {
			out = append(out, c)
		}
	}
	return fn(env, p, out)
}

func newPodTopCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "top POD",
		Short: "Show the processes of a pod's running containers",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.podMembers(args[0], true, func(env runtime.Env, p *pod.Pod, cs []*runtime.Container) error {
				tw := format.NewTable(a.stdout)
				fmt.Fprintln(tw, "CONTAINER\tPID\tUID\tSTATE\tCOMMAND")
				for _, c := range cs {
					if !c.Alive() {
						continue
					}
					procs, err := runtime.Top(cmd.Context(), env, c)
					if err != nil {
						return err
					}
					for _, pr := range procs {
						fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", c.Name, pr.Pid, pr.UID, pr.State, pr.Command)
					}
				}
				return tw.Flush()
			})
		},
	}
}

func newPodStatsCommand(a *app) *cobra.Command {
	var o ctrstats.Options
	var outFormat string
	cmd := &cobra.Command{
		Use:   "stats [flags] POD",
		Short: "Show CPU, memory, process and I/O use of a pod's running containers",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			return a.podMembers(args[0], true, func(env runtime.Env, p *pod.Pod, cs []*runtime.Container) error {
				for _, c := range cs {
					if c.Alive() {
						o.Names = append(o.Names, c.ID)
					}
				}
				if len(o.Names) == 0 {
					return fmt.Errorf("pod %s has no running containers: start it first (husk pod start)", args[0])
				}
				return ctrstats.Run(cmd.Context(), env.Store, env, fm, o, a.stdout)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.NoStream, "no-stream", false, "print one reading and exit")
	f.StringVar(&outFormat, "format", "", "json or a Go template (e.g. '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}')")
	f.DurationVarP(&o.Interval, "interval", "i", time.Second, "time between readings when streaming")
	return cmd
}

func newPodLogsCommand(a *app) *cobra.Command {
	var (
		o                 runtime.LogOptions
		names             bool
		container         string
		sinceArg, untilAt string
	)
	cmd := &cobra.Command{
		Use:   "logs [flags] POD",
		Short: "Show the output of a pod's containers, each line starting with its container's short ID",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			now := time.Now()
			var err error
			if o.Since, err = logs.ParseTime(sinceArg, logs.Since, now); err != nil {
				return err
			}
			if o.Until, err = logs.ParseTime(untilAt, logs.Until, now); err != nil {
				return err
			}
			o.Stdout, o.Stderr = a.stdout, a.stderr
			return a.podMembers(args[0], false, func(env runtime.Env, p *pod.Pod, cs []*runtime.Container) error {
				if container != "" {
					c, err := runtime.Lookup(env.Store, container)
					if err != nil {
						return err
					}
					if c.Config.Pod != p.ID {
						return fmt.Errorf("container %s is not in pod %s", c.Name, args[0])
					}
					cs = []*runtime.Container{c}
				}
				naming := logs.ByID
				if names {
					naming = logs.ByName
				}
				return logs.Show(cmd.Context(), env, cs, naming, o)
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&container, "container", "c", "", "show only this container's output")
	f.BoolVarP(&o.Follow, "follow", "f", false, "keep printing new output until the containers stop")
	f.BoolVarP(&o.Timestamps, "timestamps", "t", false, "prefix each line with its time")
	f.BoolVarP(&names, "names", "n", false, "start each line with the container's name, not its ID")
	f.IntVar(&o.Tail, "tail", -1, "print only the last N lines of each container")
	f.StringVar(&sinceArg, "since", "", "only output since a time (RFC 3339, Unix seconds) or for a duration back (10m)")
	f.StringVar(&untilAt, "until", "", "only output until a time (RFC 3339, Unix seconds) or a duration from now (10m)")
	return cmd
}
