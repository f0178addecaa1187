//go:build linux

package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newNetworkConnectCommand(d networkDeps) *cobra.Command {
	var aliases []string
	cmd := &cobra.Command{
		Use:   "connect [flags] NETWORK CONTAINER",
		Short: "Put a stopped container on a network (it joins it when it starts)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(aliases) > 0 {
				return fmt.Errorf("--alias: network aliases are not supported by husk: other containers reach this one by its name")
			}
			return d.containers(args[1:], func(env runtime.Env, c *runtime.Container) error {
				return runtime.Connect(env, c, args[0])
			})
		},
	}
	cmd.Flags().StringArrayVar(&aliases, "alias", nil, "network-scoped alias (not supported: refused)")
	return cmd
}

func newNetworkDisconnectCommand(d networkDeps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "disconnect [flags] NETWORK CONTAINER",
		Short: "Take a stopped container off a network (back on the default one)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return d.containers(args[1:], func(env runtime.Env, c *runtime.Container) error {
				return runtime.Disconnect(env, c, args[0])
			})
		},
	}
	cmd.Flags().BoolP("force", "f", false, "accepted for docker's scripts (a running container is refused either way)")
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
