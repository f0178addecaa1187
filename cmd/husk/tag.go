//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
)

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
			if err := store.Tag(args[0], args[1:]); err != nil {
				return err
			}
			id := imageID(store, args[0])
			for _, n := range args[1:] {
				a.record(events.Image, events.Tag, id, n)
			}
			return nil
		},
	}
}
