//go:build linux

package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newNetworkConnectCommand(d networkDeps) *cobra.Command {
	var aliases []string
	cmd := &cobra.Command{
		Use:   "connect [flags] NETWORK CONTAINER",
		Short: "Put a container on a further network: a running one at once, a stopped one when it starts",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := ctropts.CheckAliases(aliases); err != nil {
				return err
			}
			return d.containers(args[1:], func(env runtime.Env, c *runtime.Container) error {
				return runtime.Connect(cmd.Context(), env, c, args[0], aliases)
			})
		},
	}
	stringArrayVar(cmd.Flags(), &aliases, "alias", nil, "further DNS name of the container on that network")
	return cmd
}

func newNetworkDisconnectCommand(d networkDeps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "disconnect [flags] NETWORK CONTAINER",
		Short: "Take a container off a network: a running one loses its interface there at once",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return d.containers(args[1:], func(env runtime.Env, c *runtime.Container) error {
				return runtime.Disconnect(env, c, args[0])
			})
		},
	}
	cmd.Flags().BoolP("force", "f", false, "accepted as podman accepts it: running containers are disconnected without it too")
	return cmd
}

func newNetworkReloadCommand(d networkDeps) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "reload [flags] CONTAINER...",
		Short: "Check that running containers' networks still serve them and print their IDs",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("give container names, or --all alone")
			}
			if all {
				ids, err := d.allContainers()
				if err != nil {
					return err
				}
				args = ids
			}
			return d.containers(args, func(env runtime.Env, c *runtime.Container) error {
				err := runtime.ReloadNetwork(env, c)
				if all && errors.Is(err, runtime.ErrNotRunning) {
					return nil // --all: the running ones
				}
				if err == nil {
					fmt.Fprintln(cmd.OutOrStdout(), c.ID)
				}
				return err
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "reload every running container")
	return cmd
}

func newNetworkExistsCommand(d networkDeps) *cobra.Command {
	return &cobra.Command{
		Use:   "exists NETWORK",
		Short: "Exit 0 if the network exists, 1 if not",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := d.open()
			if err != nil {
				return err
			}
			if _, err := s.Get(args[0]); errors.Is(err, netns.ErrNoSuchNetwork) {
				return &exitCodeError{code: 1}
			} else if err != nil {
				return err
			}
			return nil
		},
	}
}
