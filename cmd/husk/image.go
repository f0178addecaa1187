//go:build linux

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/prunefilter"
	"github.com/husk-dev/husk/internal/sysprune"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/storage"
)

func newImageCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Manage images",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	ls := newImagesCommand(a)
	ls.Use = "ls [flags] [REPOSITORY[:TAG]]"
	ls.Aliases = []string{"list"}
	rm := newRmiCommand(a)
	rm.Use = "rm [flags] IMAGE [IMAGE...]"
	rm.Aliases = nil
	cmd.AddCommand(ls, newImageInspectCommand(a), rm, newImagePruneCommand(a),
		newTagCommand(a), newPullCommand(a), newPushCommand(a), newSaveCommand(a), newLoadCommand(a))
	cmd.AddCommand(newImageMoreCommands(a)...)
	return cmd
}

func newImageInspectCommand(a *app) *cobra.Command {
	return newInspectCommand(a, "inspect [flags] IMAGE [IMAGE...]",
		"Show an image's ID, digest, names, config, layers and size as JSON",
		func(ctx context.Context, store *storage.Store, ref string) (any, error) {
			return store.InspectImage(ctx, ref)
		})
}

func newImagePruneCommand(a *app) *cobra.Command {
	var all, force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove images without a name (all unused images with --all)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := prunefilter.Parse(filters, time.Now(), prunefilter.Images)
			if err != nil {
				return err
			}
			warning := "WARNING! This command removes all dangling images.\n"
			if all {
				warning = "WARNING! This command removes all images without at least one container associated with them.\n"
			}
			if ok, err := confirmed(cmd, force, warning); !ok || err != nil {
				return err
			}
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			removed, err := store.PruneImagesMatching(all, sysprune.ImageMatch(store, f))
			for _, id := range removed {
				a.record(events.Image, events.Remove, id, id)
				fmt.Fprintln(a.stdout, id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove every image no container uses, not only unnamed ones")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	addPruneFilterFlag(cmd, &filters)
	return cmd
}
