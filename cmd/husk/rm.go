//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newRmCommand(a *app) *cobra.Command {
	var force, all bool
	cmd := &cobra.Command{
		Use:   "rm [flags] CONTAINER [CONTAINER...]",
		Short: "Remove containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("give container names or --all")
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			var targets []*runtime.Container
			if all {
				if targets, err = runtime.List(store); err != nil {
					return err
				}
			}
			for _, ref := range args {
				if e, ok := runtime.LookupExternal(store, ref); ok {
					// A build's working container (podman rm removes
					// its storage containers too).
					if err := runtime.RemoveExternal(store, e, force); err != nil {
						return err
					}
					fmt.Fprintln(a.stdout, ref)
					continue
				}
				c, err := runtime.Lookup(store, ref)
				if err != nil {
					return err
				}
				targets = append(targets, c)
			}
			for _, c := range targets {
				if err := runtime.Remove(cmd.Context(), env, c, force); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.ID)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "kill running containers first")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove all containers")
	return cmd
}
