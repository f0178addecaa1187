//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/storage"
)

func newRmiCommand(a *app) *cobra.Command {
	var force, all, ignore bool
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
			done, err := store.RemoveImages(args, storage.RemoveOptions{Force: force}, all, ignore)
			if err != nil {
				return err
			}
			for _, r := range done {
				if r.Err != nil {
					continue
				}
				for _, n := range r.Result.Untagged {
					a.record(events.Image, events.Untag, r.ID, n)
				}
				if r.Result.Deleted != "" {
					a.record(events.Image, events.Remove, r.Result.Deleted, r.Ref)
				}
			}
			firstErr := storage.WriteImageRemovals(a.stdout, a.stderr, done, message)
			if firstErr != nil {
				return &exitCodeError{code: rmiExitCode(firstErr)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "remove images with several names or in use by containers (those containers go too)")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove all images")
	cmd.Flags().BoolVarP(&ignore, "ignore", "i", false, "skip names that are no image")
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
