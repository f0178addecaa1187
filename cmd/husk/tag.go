//go:build linux

package main

import (
	"github.com/spf13/cobra"
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
			return store.Tag(args[0], args[1:])
		},
	}
}
