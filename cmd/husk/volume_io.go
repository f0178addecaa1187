//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

func newVolumeExportCommand(a *app) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export [flags] VOLUME",
		Short: "Write a volume's contents to a tar archive",
		Args:  cobra.ExactArgs(1),
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			return vs.ExportVolume(args[0], output, a.stdout)
		}),
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file (default: stdout, which must be redirected)")
	return cmd
}

func newVolumeImportCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "import VOLUME FILE|-",
		Short: "Unpack a tar archive (- for stdin) into an existing volume",
		Args:  cobra.ExactArgs(2),
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			return vs.ImportVolume(args[0], args[1], a.stdin)
		}),
	}
}
