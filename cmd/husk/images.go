//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/imagelist"
)

func newImagesCommand(a *app) *cobra.Command {
	var o imagelist.Options
	var lo imagelist.ListOptions
	var outFormat string
	cmd := &cobra.Command{
		Use:     "images [flags] [REPOSITORY[:TAG]]",
		Aliases: []string{"list"},
		Short:   "List images in the store",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			lo.Refs = args
			imgs, err := imagelist.List(store, lo)
			if err != nil {
				return err
			}
			return imagelist.Write(a.stdout, imgs, fm, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print only image IDs")
	f.BoolVar(&o.Digests, "digests", false, "show digests")
	f.BoolVar(&o.NoTrunc, "no-trunc", false, "do not truncate IDs")
	f.BoolVarP(&o.NoHeading, "noheading", "n", false, "do not print the header row of a table")
	f.StringVar(&o.Sort, "sort", "created", "order by created, id, repository, size or tag")
	f.BoolVarP(&lo.All, "all", "a", false, "show all images, with the intermediate images of builds (untagged parents of other images)")
	f.StringVar(&outFormat, "format", "", "json, or a Go template ('{{.Repository}}:{{.Tag}}'; 'table {{.Repository}} {{.ID}}' adds a header)")
	stringArrayVarP(f, &lo.Filters, "filter", "f", nil,
		"filter KEY=VALUE: dangling=true|false, intermediate=true|false, readonly=true|false, label=KEY[=VALUE], reference=PATTERN (wildcards), before=IMAGE, since=IMAGE")
	return cmd
}
