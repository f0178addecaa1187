//go:build linux

package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

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
	return cmd
}

func newImageInspectCommand(a *app) *cobra.Command {
	return newInspectCommand(a, "inspect [flags] IMAGE [IMAGE...]",
		"Show an image's ID, digest, names, config, layers and size as JSON",
		func(ctx context.Context, store *storage.Store, ref string) (any, error) {
			return store.InspectImage(ctx, ref)
		})
}

// newInspectCommand makes an inspect command: every argument is looked up
// with get and printed as a JSON array, or through --format.
func newInspectCommand(a *app, use, short string, get func(context.Context, *storage.Store, string) (any, error)) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := newFormatter(format)
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
			if fm.tmpl != nil {
				return fm.renderTemplate(a.stdout, out)
			}
			return writeJSON(a.stdout, out)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template applied to each item (default: JSON)")
	return cmd
}

func newImagePruneCommand(a *app) *cobra.Command {
	var all, force bool
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove images without a name (all unused images with --all)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			removed, err := store.PruneImages(all)
			for _, id := range removed {
				fmt.Fprintln(a.stdout, id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove every image no container uses, not only unnamed ones")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation (husk never asks for prune)")
	return cmd
}

func newRmiCommand(a *app) *cobra.Command {
	var force, all bool
	cmd := &cobra.Command{
		Use:   "rmi [flags] IMAGE [IMAGE...]",
		Short: "Remove images (or untag one of their names)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				if all {
					return fmt.Errorf("give either --all or image names, not both")
				}
				return fmt.Errorf("name at least one image, or use --all")
			}
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			if all {
				imgs, err := store.Images()
				if err != nil {
					return err
				}
				for _, img := range imgs {
					args = append(args, img.ID)
				}
			}
			var firstErr error
			for _, ref := range args {
				res, err := store.RemoveImage(ref, storage.RemoveOptions{Force: force || all})
				if err != nil {
					fmt.Fprintf(a.stderr, "husk: %v\n", err)
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				for _, n := range res.Untagged {
					fmt.Fprintf(a.stdout, "Untagged: %s\n", n)
				}
				if res.Deleted != "" {
					fmt.Fprintf(a.stdout, "Deleted: %s\n", res.Deleted)
				}
			}
			if firstErr != nil {
				return &exitCodeError{code: rmiExitCode(firstErr)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "remove images with several names or in use by containers (those containers go too)")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove all images")
	return cmd
}

// rmiExitCode follows podman: 1 when an image is unknown, 2 when in use
// or ambiguous, 125 otherwise.
func rmiExitCode(err error) int {
	switch {
	case errorsIs(err, storage.ErrImageUnknown):
		return 1
	case errorsIs(err, storage.ErrAmbiguous):
		return 2
	}
	return exitHusk
}

func newTagCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "tag IMAGE TARGET [TARGET...]",
		Short: "Add names to an image",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			return store.Tag(args[0], args[1:])
		},
	}
}
