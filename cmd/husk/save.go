//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// saveRequest is husk save's command line.
type saveRequest struct {
	images []string
	output string
	format pullopts.ArchiveFormat
	// multi: the images are separate images, not names of the first.
	multi, quiet bool
}

func newSaveCommand(a *app) *cobra.Command {
	var r saveRequest
	var format string
	cmd := &cobra.Command{
		Use:   "save [flags] IMAGE [NAME...|IMAGE...]",
		Short: "Write an image (or several, with -m) to an archive file",
		Long: `Write a stored image to an archive file. The names after the first are
further names the image gets in the archive, as podman save has them; with
-m/--multi-image-archive they are further images (docker-archive only).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := pullopts.ParseArchiveFormat(format)
			if err != nil {
				return err
			}
			r.images, r.format = args, f
			return a.runSave(cmd.Context(), r)
		},
	}
	cmd.Flags().StringVarP(&r.output, "output", "o", "", "write to FILE (default: stdout)")
	cmd.Flags().StringVar(&format, "format", string(pullopts.FormatDockerArchive), "archive format: oci-archive or docker-archive")
	cmd.Flags().BoolVarP(&r.multi, "multi-image-archive", "m", false, "save every image named, not names of the first (docker-archive only)")
	cmd.Flags().BoolVarP(&r.quiet, "quiet", "q", false, "no progress output")
	return cmd
}
