//go:build linux

package main

// husk network: definitions of user networks. Containers join them with
// --network NAME (pkg/netns, usernet_linux.go).

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/inspect"
	"github.com/husk-dev/husk/pkg/netns"
)

// networkDeps is what the network commands need from the rest of husk:
// the definitions, and the containers that use a network (which block rm
// and prune; network rm -f removes them).
type networkDeps struct {
	open  func() (*netns.Networks, error)
	inUse netns.InUse
}

func newNetworkCommand(d networkDeps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "network",
		Short: "Manage user-defined networks",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newNetworkCreateCommand(d), newNetworkLsCommand(d), newNetworkInspectCommand(d),
		newNetworkRmCommand(d), newNetworkPruneCommand(d))
	return cmd
}

func newNetworkCreateCommand(d networkDeps) *cobra.Command {
	var o netns.NetworkOptions
	var labels []string
	create := &cobra.Command{
		Use:   "create [flags] NAME",
		Short: "Define a bridge network",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := d.open()
			if err != nil {
				return err
			}
			for _, kv := range labels {
				k, v, _ := strings.Cut(kv, "=")
				if o.Labels == nil {
					o.Labels = map[string]string{}
				}
				o.Labels[k] = v
			}
			n, err := s.Create(args[0], o)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), n.Name)
			return nil
		},
	}
	create.Flags().StringVar(&o.Subnet, "subnet", "", "IPv4 subnet in CIDR form (default: a free 10.89.N.0/24)")
	create.Flags().StringVar(&o.Gateway, "gateway", "", "gateway address in the subnet (default: its first address)")
	create.Flags().BoolVar(&o.Internal, "internal", false, "no route out of the network")
	create.Flags().StringArrayVar(&labels, "label", nil, "KEY=VALUE label")
	return create
}

func newNetworkLsCommand(d networkDeps) *cobra.Command {
	var quiet bool
	ls := &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List networks",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := d.open()
			if err != nil {
				return err
			}
			all, err := s.List()
			if err != nil {
				return err
			}
			if quiet {
				for _, n := range all {
					fmt.Fprintln(cmd.OutOrStdout(), n.Name)
				}
				return nil
			}
			tw := format.NewTable(cmd.OutOrStdout())
			fmt.Fprintln(tw, "NETWORK ID\tNAME\tDRIVER\tSUBNET")
			for _, n := range all {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n.ID[:12], n.Name, n.Driver, n.Subnet)
			}
			return tw.Flush()
		},
	}
	ls.Flags().BoolVarP(&quiet, "quiet", "q", false, "print names only")
	return ls
}

func newNetworkInspectCommand(d networkDeps) *cobra.Command {
	var outFormat string
	cmd := &cobra.Command{
		Use:   "inspect [flags] NETWORK...",
		Short: "Show networks as JSON (podman's keys)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			s, err := d.open()
			if err != nil {
				return err
			}
			var out []any
			for _, a := range args {
				n, err := s.Get(a)
				if err != nil {
					return err
				}
				out = append(out, inspect.FromNetwork(n, netns.BridgeName(n)))
			}
			if fm.Template() {
				return fm.Render(cmd.OutOrStdout(), out)
			}
			return format.JSON(cmd.OutOrStdout(), out)
		},
	}
	cmd.Flags().StringVarP(&outFormat, "format", "f", "", "Go template applied to each network (default: JSON)")
	return cmd
}

func newNetworkRmCommand(d networkDeps) *cobra.Command {
	var force bool
	rm := &cobra.Command{
		Use:   "rm [flags] NETWORK...",
		Short: "Remove networks no container uses (with -f, remove those containers first)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := d.open()
			if err != nil {
				return err
			}
			for _, a := range args {
				name, err := s.RemoveUnused(cmd.Context(), a, d.inUse, force)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), name)
			}
			return nil
		},
	}
	rm.Flags().BoolVarP(&force, "force", "f", false, "remove the containers that use the network (running ones too)")
	return rm
}

func newNetworkPruneCommand(d networkDeps) *cobra.Command {
	prune := &cobra.Command{
		Use:   "prune",
		Short: "Remove every network no container uses",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := d.open()
			if err != nil {
				return err
			}
			removed, err := s.Prune(cmd.Context(), d.inUse)
			for _, n := range removed {
				fmt.Fprintln(cmd.OutOrStdout(), n)
			}
			return err
		},
	}
	return prune
}
