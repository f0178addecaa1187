//go:build linux

package main

import (
	"github.com/spf13/cobra"
)

func newPushCommand(a *app) *cobra.Command {
	var quiet bool
	var reg *registryFlags
	cmd := &cobra.Command{
		Use:   "push [flags] IMAGE [DESTINATION]",
		Short: "Push an image to a registry or another transport",
		Long: `Push a stored image (by name or ID) to DESTINATION: a registry name (docker://
implied) or oci:, oci-archive:, docker-archive:, dir:. Without DESTINATION the
image goes to the registry its name says.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			dest := ""
			if len(args) == 2 {
				dest = args[1]
			}
			return a.runPush(cmd.Context(), args[0], dest, a.withCache(reg.options()), quiet)
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	reg = addRegistryFlags(cmd.Flags(), true)
	return cmd
}
