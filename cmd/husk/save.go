//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

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
