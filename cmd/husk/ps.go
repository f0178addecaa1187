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
	var quiet bool
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
			rows, err := ctrlist.List(store, env, o, a.stderr)
			if err != nil {
				return err
			}
			return ctrlist.Write(a.stdout, fm, rows, quiet)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.All, "all", "a", false, "show all containers, not only running ones")
	f.BoolVarP(&quiet, "quiet", "q", false, "print only container IDs")
	f.BoolVar(&o.NoTrunc, "no-trunc", false, "do not truncate IDs and commands")
	f.BoolVar(&o.External, "external", false, "also list the store's containers that are not husk's (a build's working containers), with the status Storage")
	f.StringVar(&outFormat, "format", "", "json or a Go template (e.g. '{{.Names}} {{.Status}}')")
	f.StringArrayVarP(&o.Filters, "filter", "f", nil, "filter: name=NAME, status=created|running|exited, ancestor=IMAGE, id=ID")
	return cmd
}
