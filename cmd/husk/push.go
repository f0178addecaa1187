//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

func newPushCommand(a *app) *cobra.Command {
	var quiet bool
	var reg *registryFlags
	var o pullopts.PushOptions
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
			return a.runPush(cmd.Context(), args[0], dest, a.withCache(reg.options()), o, quiet)
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	f := cmd.Flags()
	f.StringVarP(&o.ManifestType, "format", "f", "", "manifest type to write: oci, v2s2 or v2s1 (default: the source's, with fallbacks)")
	f.BoolVar(&o.RemoveSignatures, "remove-signatures", false, "drop the image's signatures")
	f.StringVar(&o.SignBy, "sign-by", "", "sign with this GPG key (refused: husk cannot sign)")
	f.StringVar(&o.CompressionFormat, "compression-format", "", "compress layers with gzip, zstd or zstd:chunked")
	f.StringVar(&o.DigestFile, "digestfile", "", "write the pushed manifest's digest to FILE")
	f.BoolVar(&o.DirCompress, "compress", false, "compress layers pushed to a dir: destination")
	reg = addRegistryFlags(cmd.Flags(), true)
	return cmd
}
