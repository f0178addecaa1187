//go:build linux

package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/storage"
)

// storeRunE is a RunE that runs fn with the store open.
func (a *app) storeRunE(fn func(*storage.Store, []string) error) func(*cobra.Command, []string) error {
	return func(_ *cobra.Command, args []string) error {
		store, err := a.openStore()
		if err != nil {
			return err
		}
		defer store.Close()
		return fn(store, args)
	}
}

// image exists, untag and tree, as podman has them.
func newImageMoreCommands(a *app) []*cobra.Command {
	return []*cobra.Command{{
		Use:   "exists IMAGE",
		Short: "Exit 0 if the image is in the store, 1 if not",
		Args:  cobra.ExactArgs(1),
		RunE: a.storeRunE(func(store *storage.Store, args []string) error {
			if _, _, err := store.Lookup(args[0]); errors.Is(err, storage.ErrImageUnknown) {
				return &exitCodeError{code: 1}
			} else {
				return err
			}
		}),
	}, newUntagCommand(a), {
		Use:   "tree IMAGE",
		Short: "Show an image's layers, base first, and the images they are the top of",
		Args:  cobra.ExactArgs(1),
		RunE: a.storeRunE(func(store *storage.Store, args []string) error {
			t, err := store.ImageTree(args[0])
			if err != nil {
				return err
			}
			return storage.WriteTree(a.stdout, t)
		}),
	}}
}

// newUntagCommand is image untag, and untag at the top as podman has it.
func newUntagCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "untag IMAGE [NAME...]",
		Short: "Remove names from an image (all of them when none is given); the image stays",
		Args:  cobra.MinimumNArgs(1),
		RunE: a.storeRunE(func(store *storage.Store, args []string) error {
			id, gone, err := store.Untag(args[0], args[1:])
			for _, n := range gone {
				a.record(events.Image, events.Untag, id, n)
			}
			return err
		}),
	}
}
