//go:build linux

package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// networkDeps wires husk network to the store: definitions beside the
// store's layers, users from the containers' records.
func (a *app) networkDeps() networkDeps {
	return networkDeps{
		event:      func(s events.Status, id, name string) { a.record(events.Network, s, id, name) },
		containers: a.withContainers,
		allContainers: func() ([]string, error) {
			store, err := a.openStore()
			if err != nil {
				return nil, err
			}
			defer store.Close()
			cs, err := runtime.List(store)
			var ids []string
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return ids, err
		},
		open: func() (*netns.Networks, error) {
			return netns.OpenNetworks(runtime.NetworksDir(a.storeOptions().GraphRoot))
		},
		release: func() error { return runtime.ReleaseNetworksIn(a.storeOptions().RunRoot) },
		inUse: netns.InUse{Users: func(_ context.Context, network string) ([]string, error) {
			store, err := a.openStore()
			if err != nil {
				return nil, err
			}
			defer store.Close()
			cs, err := runtime.List(store)
			if err != nil {
				return nil, err
			}
			var out []string
			for _, c := range cs {
				if c.Config.Net.OnNetwork(network) {
					out = append(out, c.Name)
				}
			}
			return out, nil
		}, Remove: func(ctx context.Context, names []string) error {
			return a.withContainers(names, func(env runtime.Env, c *runtime.Container) error {
				return runtime.Remove(ctx, env, c, true)
			})
		}},
	}
}

// newNetHelperCommands are the hidden helpers of user networks, started by
// pkg/netns inside the user's namespace: the DNS server, the published
// ports' forwarder and the idle rootless namespace's waiter.
func newNetHelperCommands() []*cobra.Command {
	return []*cobra.Command{
		{
			Use:         netns.DNSCommand + " STATE RNETNS",
			Short:       "Serve DNS for user networks (internal)",
			Hidden:      true,
			Annotations: noNamespace,
			Args:        cobra.ExactArgs(2),
			RunE:        func(_ *cobra.Command, args []string) error { return netns.RunDNSHelper(args) },
		},
		{
			Use:         netns.PortsCommand + " CNETNS RNETNS PORTS",
			Short:       "Forward published ports to a user-network container (internal)",
			Hidden:      true,
			Annotations: noNamespace,
			Args:        cobra.ExactArgs(3),
			RunE:        func(_ *cobra.Command, args []string) error { return netns.RunPortsHelper(args) },
		},
		{
			Use:         netns.LingerCommand + " RNETNS",
			Short:       "Take the idle rootless network namespace down (internal)",
			Hidden:      true,
			Annotations: noNamespace,
			Args:        cobra.ExactArgs(1),
			RunE:        func(_ *cobra.Command, args []string) error { return netns.RunLinger(args) },
		},
	}
}
