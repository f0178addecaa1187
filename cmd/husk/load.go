//go:build linux

package main

import (
	"github.com/spf13/cobra"
)

func newLoadCommand(a *app) *cobra.Command {
	var input string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "load [flags]",
		Short: "Load the images of an oci-archive or docker-archive file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runLoad(cmd.Context(), input, quiet)
		},
	}
	cmd.Flags().StringVarP(&input, "input", "i", "", "read from FILE or an http:// or https:// URL (default: stdin)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	return cmd
}
