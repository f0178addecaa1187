//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/storage"
)

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
			gone := map[string]bool{}
			for _, ref := range args {
				if all && gone[ref] {
					continue // went with an image it was the parent of
				}
				id := imageID(store, ref)
				res, err := store.RemoveImage(ref, storage.RemoveOptions{Force: force || all})
				if err != nil {
					fmt.Fprintf(a.stderr, "husk: %s\n", message(err))
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				for _, n := range res.Untagged {
					a.record(events.Image, events.Untag, id, n)
					fmt.Fprintf(a.stdout, "Untagged: %s\n", n)
				}
				if res.Deleted != "" {
					a.record(events.Image, events.Remove, res.Deleted, ref)
				}
				for _, id := range append([]string{res.Deleted}, res.Parents...) {
					if id != "" {
						gone[id] = true
						fmt.Fprintf(a.stdout, "Deleted: %s\n", id)
					}
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
