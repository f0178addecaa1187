//go:build linux

package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

func newVolumeExistsCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "exists VOLUME",
		Short: "Exit 0 if the volume exists, 1 if not",
		Args:  cobra.ExactArgs(1),
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			if _, err := vs.Get(args[0]); errors.Is(err, runtime.ErrVolumeUnknown) {
				return &exitCodeError{code: 1}
			} else if err != nil {
				return err
			}
			return nil
		}),
	}
}

// husk's volumes are directories (podman's local driver without
// options): there is nothing to mount, and mount prints where the
// contents are, as podman's does once it has mounted them.
func newVolumeMountCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "mount VOLUME",
		Short: "Print the directory that holds a volume's contents",
		Args:  cobra.ExactArgs(1),
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			v, err := vs.Get(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, v.Path)
			return nil
		}),
	}
}

func newVolumeUnmountCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "unmount VOLUME",
		Aliases: []string{"umount"},
		Short:   "Undo volume mount (nothing to undo for a directory) and print the volume's name",
		Args:    cobra.ExactArgs(1),
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			v, err := vs.Get(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, v.Name)
			return nil
		}),
	}
}
