//go:build linux

package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/inspect"
	"github.com/husk-dev/husk/internal/labels"
	"github.com/husk-dev/husk/internal/prunefilter"
	"github.com/husk-dev/husk/internal/resourcelist"
	"github.com/husk-dev/husk/internal/sysprune"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/volumeuse"
	"github.com/husk-dev/husk/pkg/storage"
)

// volumeDir is where named volumes are: --volumepath, else ROOT/volumes.
func (a *app) volumeDir(graphRoot string) string {
	if a.global.volumePath != "" {
		// Absolute: a monitor works from "/".
		if abs, err := filepath.Abs(a.global.volumePath); err == nil {
			return abs
		}
		return a.global.volumePath
	}
	return filepath.Join(graphRoot, "volumes")
}

func (a *app) volumeStore(store *storage.Store) *runtime.VolumeStore {
	return &runtime.VolumeStore{Dir: a.volumeDir(store.GraphRoot)}
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
		newVolumeRmCommand(a), newVolumePruneCommand(a), newVolumeExistsCommand(a), newVolumeMountCommand(a),
		newVolumeUnmountCommand(a), newVolumeExportCommand(a), newVolumeImportCommand(a))
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
	var labelVals, labelFiles, optVals []string
	var ignore bool
	create := &cobra.Command{
		Use:   "create [flags] NAME",
		Short: "Create a named volume",
		Args:  cobra.ExactArgs(1),
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			l, err := labels.Parse(labelVals, labelFiles)
			if err != nil {
				return withFlagNames(err)
			}
			opts, err := keyValues(optVals)
			if err != nil {
				return err
			}
			v, err := vs.CreateWith(args[0], l, opts)
			if ignore && errors.Is(err, runtime.ErrVolumeExists) {
				fmt.Fprintln(a.stdout, args[0])
				return nil
			}
			if err != nil {
				return err
			}
			a.record(events.Volume, events.Create, "", v.Name)
			fmt.Fprintln(a.stdout, v.Name)
			return nil
		}),
	}
	stringArrayVarP(create.Flags(), &labelVals, "label", "l", nil, "set a label KEY=VALUE (KEY alone: an empty value)")
	stringArrayVar(create.Flags(), &labelFiles, "label-file", nil, "read labels from a file of KEY=VALUE lines")
	create.Flags().BoolVar(&ignore, "ignore", false, "do nothing (but print its name) when the volume exists")
	stringArrayVarP(create.Flags(), &optVals, "opt", "o", nil, "local driver option KEY=VALUE: type=tmpfs (device=tmpfs, o=size=64m,mode=…), or o=bind with device=/PATH")
	return create
}

func newVolumeLsCommand(a *app) *cobra.Command {
	var o resourcelist.Options
	var outFormat string
	ls := &cobra.Command{
		Use:     "ls [flags]",
		Aliases: []string{"list"},
		Short:   "List named volumes",
		Args:    cobra.NoArgs,
		RunE: a.withVolumes(func(store *storage.Store, vs *runtime.VolumeStore, _ []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			vols, err := vs.List()
			if err != nil {
				return err
			}
			used, err := volumeuse.InUse(store)
			if err != nil {
				return err
			}
			users := map[string]int{}
			for name, cs := range used {
				users[name] = len(cs)
			}
			return resourcelist.WriteVolumes(a.stdout, fm, vols, users, o)
		}),
	}
	f := ls.Flags()
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print only names")
	f.BoolVar(&o.NoHeading, "noheading", false, "do not print the header row of a table")
	f.StringVar(&outFormat, "format", "", "json, or a Go template ('{{.Name}}'; 'table {{.Name}} {{.Labels}}' adds a header)")
	stringArrayVarP(f, &o.Filters, "filter", "f", nil, "filter KEY=VALUE: name (a regular expression), label=KEY[=VALUE], driver, dangling=true|false (no container uses it)")
	return ls
}

func newVolumeInspectCommand(a *app) *cobra.Command {
	var outFormat string
	var all bool
	cmd := &cobra.Command{
		Use:   "inspect [flags] VOLUME [VOLUME...]",
		Short: "Show named volumes as JSON (podman's keys)",
		RunE: a.withVolumes(func(_ *storage.Store, vs *runtime.VolumeStore, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("give volume names, or --all alone")
			}
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			vols, err := vs.GetAll(args, all)
			if err != nil {
				return err
			}
			out := []any{}
			for _, v := range vols {
				out = append(out, inspect.FromVolume(v))
			}
			if fm.Template() {
				return fm.Render(a.stdout, out)
			}
			return format.JSON(a.stdout, out)
		}),
	}
	cmd.Flags().StringVarP(&outFormat, "format", "f", "", "Go template applied to each volume (default: JSON)")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "inspect every volume")
	return cmd
}

func newVolumeRmCommand(a *app) *cobra.Command {
	var force bool
	rm := &cobra.Command{
		Use:   "rm [flags] VOLUME [VOLUME...]",
		Short: "Remove named volumes",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			removed, err := volumeuse.Remove(store, env.Volumes, args, volumeuse.RemoveOptions{Force: force,
				RemoveUsers: func(names []string) error {
					done, err := runtime.RemoveSet(cmd.Context(), env, names, runtime.RemoveOptions{Force: true})
					for _, r := range done {
						if r.Err != nil {
							return r.Err
						}
					}
					return err
				}})
			for _, n := range removed {
				a.record(events.Volume, events.Remove, "", n)
				fmt.Fprintln(a.stdout, n)
			}
			switch {
			case errors.Is(err, runtime.ErrVolumeUnknown):
				return &exitCodeError{code: 1, msg: message(err)} // as podman
			case errors.Is(err, volumeuse.ErrVolumeInUse):
				return &exitCodeError{code: 2, msg: message(err)} // as podman
			}
			return err
		},
	}
	rm.Flags().BoolVarP(&force, "force", "f", false, "remove the containers that use the volumes first (running ones too)")
	return rm
}

func newVolumePruneCommand(a *app) *cobra.Command {
	var filters []string
	var force bool
	prune := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove named volumes no container uses",
		Args:  cobra.NoArgs,
		RunE: a.withVolumes(func(store *storage.Store, vs *runtime.VolumeStore, _ []string) error {
			// label!= too: podman 4.3.1 refuses it for volumes, later
			// podman takes it, as for the other kinds.
			f, err := prunefilter.Parse(filters, time.Now(), prunefilter.Volumes)
			if err != nil {
				return err
			}
			if !force {
				// podman names the volumes before it asks.
				names, err := volumeuse.Unused(store, vs, sysprune.VolumeMatch(f))
				if err != nil {
					return err
				}
				warning := "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:\n"
				if len(names) == 0 {
					// podman 4.3.1 says so and does not ask.
					fmt.Fprint(a.stdout, warning+"No dangling volumes found\n")
					return nil
				}
				for _, n := range names {
					warning += n + "\n"
				}
				if ok, err := confirmedOn(a.stdin, a.stdout, warning); !ok || err != nil {
					return err
				}
			}
			removed, err := volumeuse.PruneMatching(store, vs, sysprune.VolumeMatch(f))
			for _, n := range removed {
				a.record(events.Volume, events.Remove, "", n)
				fmt.Fprintln(a.stdout, n)
			}
			return err
		}),
	}
	prune.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	addPruneFilterFlag(prune, &filters)
	return prune
}

// keyValues parses KEY=VALUE flag values (volume create --opt).
func keyValues(vals []string) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, kv := range vals {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--opt %q: use KEY=VALUE", kv)
		}
		m[k] = v
	}
	return m, nil
}
