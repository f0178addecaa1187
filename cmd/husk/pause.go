//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

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
