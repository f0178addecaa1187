//go:build linux

package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

func (a *app) volumeStore(store *storage.Store) *runtime.VolumeStore {
	return &runtime.VolumeStore{Dir: filepath.Join(store.GraphRoot, "volumes")}
}

// volumesInUse maps volume names to the containers that mount them.
func volumesInUse(store *storage.Store) (map[string][]string, error) {
	cs, err := runtime.List(store)
	if err != nil {
		return nil, err
	}
	used := map[string][]string{}
	for _, c := range cs {
		for _, v := range c.Config.Volumes {
			if v.Kind == runtime.VolumeNamed {
				used[v.Source] = append(used[v.Source], c.Name)
			}
		}
	}
	return used, nil
}

func newVolumeCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "volume",
		Short: "Manage named volumes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	withStore := func(fn func(*storage.Store, *runtime.VolumeStore, []string) error) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			return fn(store, a.volumeStore(store), args)
		}
	}
	var labels []string
	create := &cobra.Command{
		Use:   "create [flags] NAME",
		Short: "Create a named volume",
		Args:  cobra.ExactArgs(1),
		RunE: withStore(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			l := map[string]string{}
			for _, kv := range labels {
				k, v, _ := strings.Cut(kv, "=")
				l[k] = v
			}
			v, err := vs.Create(args[0], l)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, v.Name)
			return nil
		}),
	}
	create.Flags().StringArrayVarP(&labels, "label", "l", nil, "set a label KEY=VALUE")
	var quiet bool
	ls := &cobra.Command{
		Use:     "ls [flags]",
		Aliases: []string{"list"},
		Short:   "List named volumes",
		Args:    cobra.NoArgs,
		RunE: withStore(func(_ *storage.Store, vs *runtime.VolumeStore, _ []string) error {
			vols, err := vs.List()
			if err != nil {
				return err
			}
			if quiet {
				for _, v := range vols {
					fmt.Fprintln(a.stdout, v.Name)
				}
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 8, 3, ' ', 0)
			fmt.Fprintln(tw, "DRIVER\tVOLUME NAME")
			for _, v := range vols {
				fmt.Fprintf(tw, "%s\t%s\n", v.Driver, v.Name)
			}
			return tw.Flush()
		}),
	}
	ls.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only names")
	inspect := &cobra.Command{
		Use:   "inspect VOLUME [VOLUME...]",
		Short: "Show named volumes as JSON",
		Args:  cobra.MinimumNArgs(1),
		RunE: withStore(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			var out []*runtime.Volume
			for _, n := range args {
				v, err := vs.Get(n)
				if err != nil {
					return err
				}
				out = append(out, v)
			}
			return writeJSON(a.stdout, out)
		}),
	}
	var force bool
	rm := &cobra.Command{
		Use:   "rm [flags] VOLUME [VOLUME...]",
		Short: "Remove named volumes",
		Args:  cobra.MinimumNArgs(1),
		RunE: withStore(func(store *storage.Store, vs *runtime.VolumeStore, args []string) error {
			used, err := volumesInUse(store)
			if err != nil {
				return err
			}
			for _, n := range args {
				if users := used[n]; len(users) > 0 && !force {
					return fmt.Errorf("volume %q is used by container(s) %s: remove them first or use --force", n, strings.Join(users, ", "))
				}
				if err := vs.Remove(n); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, n)
			}
			return nil
		}),
	}
	rm.Flags().BoolVarP(&force, "force", "f", false, "remove volumes even if containers use them")
	prune := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove named volumes no container uses",
		Args:  cobra.NoArgs,
		RunE: withStore(func(store *storage.Store, vs *runtime.VolumeStore, _ []string) error {
			used, err := volumesInUse(store)
			if err != nil {
				return err
			}
			vols, err := vs.List()
			if err != nil {
				return err
			}
			for _, v := range vols {
				if len(used[v.Name]) > 0 {
					continue
				}
				if err := vs.Remove(v.Name); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, v.Name)
			}
			return nil
		}),
	}
	prune.Flags().BoolP("force", "f", false, "do not ask for confirmation (husk never asks)")
	cmd.AddCommand(create, ls, inspect, rm, prune)
	return cmd
}
