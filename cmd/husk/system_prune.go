//go:build linux

package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/prunefilter"
	"github.com/husk-dev/husk/internal/sysprune"
	"github.com/husk-dev/husk/pkg/events"
)

func newSystemPruneCommand(a *app) *cobra.Command {
	var all, force, volumes bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove stopped containers, unused networks, dangling images (and with flags, unused images and volumes)",
		Long: `Remove every stopped container, network no container uses, dangling image
and what killed builds left; with --all every image no container uses, with
--volumes every volume no container uses. Without --force it asks first (a
y/N answer on stdin, as podman). --filter until=TIME|label=KEY[=VALUE]|
label!=KEY[=VALUE] limits what is removed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := prunefilter.Parse(filters, time.Now(), prunefilter.System)
			if err != nil {
				return err
			}
			if ok, err := confirmed(cmd, force, sysprune.Warning(all, volumes)); !ok || err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			d := a.networkDeps()
			nets, err := d.open()
			if err != nil {
				return err
			}
			o := sysprune.Options{Store: store, Env: env, Networks: nets, InUse: d.inUse, AllImages: all, Filter: f}
			if volumes {
				o.Volumes = a.volumeStore(store)
			}
			r, err := sysprune.Run(cmd.Context(), o)
			a.recordPrune(r)
			r.Write(a.stdout)
			return err
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove every image no container uses, not only dangling ones")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&volumes, "volumes", false, "remove the volumes no container uses too")
	stringArrayVar(cmd.Flags(), &filters, "filter", nil, "remove only what matches: until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE]")
	return cmd
}

// recordPrune records the removals of r that the libraries do not.
func (a *app) recordPrune(r sysprune.Report) {
	for _, n := range r.Volumes {
		a.record(events.Volume, events.Remove, "", n)
	}
	for _, n := range r.Networks {
		a.record(events.Network, events.Remove, "", n)
	}
	for _, id := range r.Images {
		a.record(events.Image, events.Remove, id, id)
	}
}

// addPruneFilterFlag adds the prune commands' --filter.
func addPruneFilterFlag(cmd *cobra.Command, filters *[]string) {
	stringArrayVar(cmd.Flags(), filters, "filter", nil, "remove only what matches: until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE]")
}
