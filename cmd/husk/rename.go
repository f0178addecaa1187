//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newRenameCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rename CONTAINER NEW-NAME",
		Short: "Rename a container",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args[:1], func(env runtime.Env, c *runtime.Container) error {
				return runtime.Rename(env, c, args[1])
			})
		},
	}
}
