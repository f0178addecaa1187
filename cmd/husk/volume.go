//go:build linux

package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/inspect"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/volumeuse"
	"github.com/husk-dev/husk/pkg/storage"
)

func (a *app) volumeStore(store *storage.Store) *runtime.VolumeStore {
	return &runtime.VolumeStore{Dir: filepath.Join(store.GraphRoot, "volumes")}
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
	cmd.AddCommand(newVolumeCreateCommand(a), newVolumeLsCommand(a), newVolumeInspectCommand(a),
		newVolumeRmCommand(a), newVolumePruneCommand(a))
	return cmd
}

// withVolumes runs fn with the store and its volumes open.
func (a *app) withVolumes(fn func(*storage.Store, *runtime.VolumeStore, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		store, err := a.openStore()
		if err != nil {
			return err
		}
		defer store.Close()
		return fn(store, a.volumeStore(store), args)
	}
}

func newVolumeCreateCommand(a *app) *cobra.Command {
	var labels []string
	create := &cobra.Command{
		Use:   "create [flags] NAME",
		Short: "Create a named volume",
		Args:  cobra.ExactArgs(1),
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
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
	return create
}

func newVolumeLsCommand(a *app) *cobra.Command {
	var quiet bool
	ls := &cobra.Command{
		Use:     "ls [flags]",
		Aliases: []string{"list"},
		Short:   "List named volumes",
		Args:    cobra.NoArgs,
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, _ []string) error {
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
			tw := format.NewTable(a.stdout)
			fmt.Fprintln(tw, "DRIVER\tVOLUME NAME")
			for _, v := range vols {
				fmt.Fprintf(tw, "%s\t%s\n", v.Driver, v.Name)
			}
			return tw.Flush()
		}),
	}
	ls.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only names")
	return ls
}

func newVolumeInspectCommand(a *app) *cobra.Command {
	var outFormat string
	cmd := &cobra.Command{
		Use:   "inspect [flags] VOLUME [VOLUME...]",
		Short: "Show named volumes as JSON (podman's keys)",
		Args:  cobra.MinimumNArgs(1),
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			var out []any
			for _, n := range args {
				v, err := vs.Get(n)
				if err != nil {
					return err
				}
				out = append(out, inspect.FromVolume(v))
			}
			if fm.Template() {
				return fm.Render(a.stdout, out)
			}
			return format.JSON(a.stdout, out)
		}),
	}
	cmd.Flags().StringVarP(&outFormat, "format", "f", "", "Go template applied to each volume (default: JSON)")
	return cmd
}

func newVolumeRmCommand(a *app) *cobra.Command {
	var force bool
	rm := &cobra.Command{
		Use:   "rm [flags] VOLUME [VOLUME...]",
		Short: "Remove named volumes",
		Args:  cobra.MinimumNArgs(1),
		RunE: a.withVolumes(func(store *storage.Store, vs *runtime.VolumeStore, args []string) error {
			removed, err := volumeuse.Remove(store, vs, args, force)
			for _, n := range removed {
				fmt.Fprintln(a.stdout, n)
			}
			return err
		}),
	}
	rm.Flags().BoolVarP(&force, "force", "f", false, "remove volumes even if containers use them")
	return rm
}

func newVolumePruneCommand(a *app) *cobra.Command {
	prune := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove named volumes no container uses",
		Args:  cobra.NoArgs,
		RunE: a.withVolumes(func(store *storage.Store, vs *runtime.VolumeStore, _ []string) error {
			removed, err := volumeuse.Prune(store, vs)
			for _, n := range removed {
				fmt.Fprintln(a.stdout, n)
			}
			return err
		}),
	}
	prune.Flags().BoolP("force", "f", false, "do not ask for confirmation (husk never asks)")
	return prune
}
