//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/ctrlist"
	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/build/leftover"
)

func newPsCommand(a *app) *cobra.Command {
	var o ctrlist.Options
	var w ctrlist.WriteOptions
	var outFormat string
	cmd := &cobra.Command{
		Use:     "ps [flags]",
		Aliases: []string{"ls", "list"},
		Short:   "List containers (running ones unless --all)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			// What killed builds left goes before anyone sees it.
			leftover.Clean(cmd.Context(), store)
			w.Size, w.Namespaces, w.Pod = o.Size, o.Namespaces, o.Pod
			rows, err := ctrlist.List(store, env, o, a.stderr)
			if err != nil {
				return err
			}
			return ctrlist.Write(a.stdout, fm, rows, w)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.All, "all", "a", false, "show all containers, not only running ones")
	f.BoolVarP(&w.Quiet, "quiet", "q", false, "print only container IDs")
	f.BoolVar(&o.NoTrunc, "no-trunc", false, "do not truncate IDs and commands")
	f.BoolVar(&o.External, "external", false, "also list the store's containers that are not husk's (a build's working containers), with the status Storage")
	f.StringVar(&outFormat, "format", "", "json, or a Go template ('{{.Names}} {{.Status}}'; 'table {{.ID}} {{.Names}}' adds a header)")
	stringArrayVarP(f, &o.Filters, "filter", "f", nil,
		"filter KEY=VALUE (several: alternatives for one key, all keys must match): id, name (regular expressions), label (KEY or KEY=VALUE), label!, status, exited, ancestor, before, since, volume, network, health, restart-policy, pod")
	f.IntVarP(&o.Last, "last", "n", -1, "show the N containers created last, of all states")
	f.BoolVarP(&o.Latest, "latest", "l", false, "show the container created last, of all states")
	f.StringVar(&o.Sort, "sort", "created", "order by command, created, id, image, names, runningfor, size or status")
	f.BoolVarP(&o.Size, "size", "s", false, "show the size of each container's writable layer and of its image")
	f.BoolVar(&o.Namespaces, "ns", false, "show the containers' namespaces")
	f.BoolVarP(&o.Pod, "pod", "p", false, "show the pod ID and name of each container")
	f.BoolVar(&w.NoHeading, "noheading", false, "do not print the header row of a table")
	return cmd
}
