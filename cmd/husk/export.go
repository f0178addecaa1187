//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newExportCommand(a *app) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export [flags] CONTAINER",
		Short: "Write a container's file system to a tar archive",
		Long: `Write the container's file system as the container sees it (its image's
layers and its own changes, without its volumes and other mounts) as a tar
archive to stdout, which must not be a terminal, or to --output FILE. The
archive is streamed: husk import, docker import or tar read it.`,
		Example: `  husk export web > web.tar
  husk export -o web.tar web
  husk export web | tar t`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				return runtime.ExportTo(env, c, output, a.stdout)
			})
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file (default: stdout, which must be redirected)")
	return cmd
}
