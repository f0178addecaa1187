//go:build linux

package main

// husk network: definitions of user networks. Containers join them with
// --network NAME (pkg/netns, usernet_linux.go).

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/inspect"
	"github.com/husk-dev/husk/internal/labels"
	"github.com/husk-dev/husk/internal/prunefilter"
	"github.com/husk-dev/husk/internal/resourcelist"
	"github.com/husk-dev/husk/internal/sysprune"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// networkDeps is what the network commands need from the rest of husk:
// the definitions, and the containers that use a network (which block rm
// and prune; network rm -f removes them).
type networkDeps struct {
	open  func() (*netns.Networks, error)
	inUse netns.InUse
	// event records a network event.
	event func(s events.Status, id, name string)
	// containers runs fn on each named container (connect, reload);
	// allContainers are every container's ID (reload --all).
	containers    func(names []string, fn func(runtime.Env, *runtime.Container) error) error
	allContainers func() ([]string, error)
	// release ends the rootless network namespace when no container is
	// attached (rm and prune: a lingering one goes at once).
	release func() error
}

// released ends an idle rootless network namespace (when the deps can).
func (d networkDeps) released() error {
	if d.release == nil {
		return nil
	}
	return d.release()
}

// emit records a network event (when the deps record any).
func (d networkDeps) emit(s events.Status, id, name string) {
	if d.event != nil {
		d.event(s, id, name)
	}
}

func newNetworkCommand(d networkDeps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "network",
		Short: "Manage user-defined networks",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newNetworkCreateCommand(d), newNetworkLsCommand(d), newNetworkInspectCommand(d),
		newNetworkRmCommand(d), newNetworkPruneCommand(d), newNetworkConnectCommand(d), newNetworkDisconnectCommand(d),
		newNetworkReloadCommand(d), newNetworkExistsCommand(d))
	return cmd
}

func newNetworkCreateCommand(d networkDeps) *cobra.Command {
	var o netns.NetworkOptions
	var labelVals, labelFiles []string
	var ignore bool
	create := &cobra.Command{
		Use:   "create [flags] NAME",
		Short: "Define a bridge network",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := d.open()
			if err != nil {
				return err
			}
			if o.Labels, err = labels.Parse(labelVals, labelFiles); err != nil {
				return withFlagNames(err)
			}
			n, err := s.Create(args[0], o)
			if ignore && errors.Is(err, netns.ErrNetworkExists) {
				fmt.Fprintln(cmd.OutOrStdout(), args[0])
				return nil
			}
			if err != nil {
				return err
			}
			d.emit(events.Create, n.ID, n.Name)
			fmt.Fprintln(cmd.OutOrStdout(), n.Name)
			return nil
		},
	}
	create.Flags().StringVar(&o.Subnet, "subnet", "", "IPv4 subnet in CIDR form (default: a free 10.89.N.0/24)")
	create.Flags().StringVar(&o.Gateway, "gateway", "", "gateway address in the subnet (default: its first address)")
	create.Flags().BoolVar(&o.Internal, "internal", false, "no route out of the network")
	create.Flags().BoolVar(&ignore, "ignore", false, "do nothing (but print its name) when the network exists")
	stringArrayVar(create.Flags(), &labelVals, "label", nil, "set a label KEY=VALUE (KEY alone: an empty value)")
	stringArrayVar(create.Flags(), &labelFiles, "label-file", nil, "read labels from a file of KEY=VALUE lines")
	return create
}

func newNetworkLsCommand(d networkDeps) *cobra.Command {
	var o resourcelist.Options
	var outFormat string
	ls := &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List networks",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			s, err := d.open()
			if err != nil {
				return err
			}
			all, err := s.List()
			if err != nil {
				return err
			}
			inUse := func(name string) (bool, error) {
				users, err := d.inUse.Users(cmd.Context(), name)
				return len(users) > 0, err
			}
			return resourcelist.WriteNetworks(cmd.OutOrStdout(), fm, all, inUse, o)
		},
	}
	f := ls.Flags()
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print names only")
	f.BoolVar(&o.NoHeading, "noheading", false, "do not print the header row of a table")
	f.StringVar(&outFormat, "format", "", "json, or a Go template ('{{.Name}}'; 'table {{.Name}} {{.Subnets}}' adds a header)")
	stringArrayVarP(f, &o.Filters, "filter", "f", nil, "filter KEY=VALUE: name (a regular expression), id (a prefix), label=KEY[=VALUE], driver, dangling=true|false (no container uses it)")
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
				if errors.Is(err, netns.ErrNoSuchNetwork) {
					return &exitCodeError{code: 1, msg: message(err)} // as podman
				} else if errors.Is(err, netns.ErrNetworkInUse) {
					return &exitCodeError{code: 2, msg: message(err)} // as podman
				} else if err != nil {
					return err
				}
				d.emit(events.Remove, "", name)
				fmt.Fprintln(cmd.OutOrStdout(), name)
			}
			return d.released()
		},
	}
	rm.Flags().BoolVarP(&force, "force", "f", false, "remove the containers that use the network (running ones too)")
	return rm
}

func newNetworkPruneCommand(d networkDeps) *cobra.Command {
	var filters []string
	var force bool
	prune := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove every network no container uses",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := prunefilter.Parse(filters, time.Now(), prunefilter.Networks)
			if err != nil {
				return err
			}
			if ok, err := confirmed(cmd, force, "WARNING! This will remove all networks not used by at least one container.\n"); !ok || err != nil {
				return err
			}
			s, err := d.open()
			if err != nil {
				return err
			}
			removed, err := s.PruneMatching(cmd.Context(), d.inUse, sysprune.NetworkMatch(f))
			for _, n := range removed {
				d.emit(events.Remove, "", n)
				fmt.Fprintln(cmd.OutOrStdout(), n)
			}
			if err != nil {
				return err
			}
			return d.released()
		},
	}
	prune.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	addPruneFilterFlag(prune, &filters)
	return prune
}
