//go:build linux

package main

import (
	"github.com/husk-dev/husk/internal/childenv"
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// callerVersionEnv carries the command binary's version to its transfer
// helper (transfer_core.go), which warns when its own differs.
const callerVersionEnv = childenv.CallerVersion

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

func newSaveCommand(a *app) *cobra.Command {
	var output, format string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "save [flags] IMAGE",
		Short: "Write an image to an archive file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := pullopts.ParseArchiveFormat(format)
			if err != nil {
				return err
			}
			return a.runSave(cmd.Context(), args[0], output, f, quiet)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE (default: stdout)")
	cmd.Flags().StringVar(&format, "format", string(pullopts.FormatDockerArchive), "archive format: oci-archive or docker-archive")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	return cmd
}

func newLoadCommand(a *app) *cobra.Command {
	var input string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "load [flags]",
		Short: "Load an image from an oci-archive or docker-archive file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runLoad(cmd.Context(), input, quiet)
		},
	}
	cmd.Flags().StringVarP(&input, "input", "i", "", "read from FILE (default: stdin)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	return cmd
}
