//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newPauseCommand(a *app) *cobra.Command {
	return newFreezeCommand(a, "pause", "Freeze every process of containers (cgroup freezer)", runtime.Pause,
		"pause all running containers", func(c *runtime.Container) bool { return c.Alive() && !c.State.Paused })
}

func newUnpauseCommand(a *app) *cobra.Command {
	return newFreezeCommand(a, "unpause", "Thaw paused containers", runtime.Unpause,
		"unpause all paused containers", func(c *runtime.Container) bool { return c.Alive() && c.State.Paused })
}

// newFreezeCommand builds pause and unpause: fn for each container
// selected, printing its name or ID as given; --all takes those in wants.
func newFreezeCommand(a *app, verb, short string, fn func(runtime.Env, *runtime.Container) error, allUsage string, wants func(*runtime.Container) bool) *cobra.Command {
	var (
		sel     = runtime.Selection{AllWhere: wants}
		filters []string
	)
	cmd := &cobra.Command{
		Use:   verb + " [flags] CONTAINER [CONTAINER...]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			sel.Refs = args
			if err := a.filterSelection(&sel, filters); err != nil {
				return err
			}
			return a.withSelection(sel, func(env runtime.Env, t runtime.Target) error {
				if err := fn(env, t.C); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, t.Ref)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&sel.All, "all", "a", false, allUsage)
	f.BoolVarP(&sel.Latest, "latest", "l", false, verb+" the container created last")
	stringArrayVar(f, &sel.CIDFiles, "cidfile", nil, verb+" the container whose ID the file holds (run --cidfile)")
	stringArrayVarP(f, &filters, "filter", "f", nil, verb+" the containers that match KEY=VALUE (the filters of ps, but before and since)")
	return cmd
}
