//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/ctrlist"
	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

func (a *app) inspectContainer(_ context.Context, store *storage.Store, ref string) (any, error) {
	manager := a.global.cgroupManager
	if manager == "" {
		manager = "cgroupfs"
	}
	c, err := ctrlist.InspectContainer(store, ref, ctrlist.InspectOptions{CgroupManager: manager,
		VolumeDir: a.volumeDir(store.GraphRoot)})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// newTopInspectCommand is "husk inspect": a container if one has the
// name, else an image, as podman does.
func newTopInspectCommand(a *app) *cobra.Command {
	return newInspectCommand(a, "inspect [flags] CONTAINER|IMAGE [...]",
		"Show containers or images as JSON (containers first, as podman does)",
		func(ctx context.Context, store *storage.Store, ref string) (any, error) {
			v, err := a.inspectContainer(ctx, store, ref)
			if err == nil || !errors.Is(err, runtime.ErrContainerUnknown) {
				return v, err
			}
			img, ierr := store.InspectImage(ctx, ref)
			if ierr != nil {
				return nil, fmt.Errorf("no container or image %q", ref)
			}
			return img, nil
		})
}

// newInspectCommand makes an inspect command: every argument is looked up
// with get and printed as a JSON array, or through --format.
func newInspectCommand(a *app, use, short string, get func(context.Context, *storage.Store, string) (any, error)) *cobra.Command {
	var outFormat string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			var out []any
			for _, ref := range args {
				v, err := get(cmd.Context(), store, ref)
				if err != nil {
					return err
				}
				out = append(out, v)
			}
			if fm.Template() {
				return fm.Render(a.stdout, out)
			}
			return format.JSON(a.stdout, out)
		},
	}
	cmd.Flags().StringVarP(&outFormat, "format", "f", "", "Go template applied to each item (default: JSON)")
	return cmd
}
