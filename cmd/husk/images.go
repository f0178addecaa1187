//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/imagelist"
)

func newImagesCommand(a *app) *cobra.Command {
	var o imagelist.Options
	var all bool
	var outFormat string
	var filters []string
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
			imgs, err := store.Images()
			if err != nil {
				return err
			}
			if !all {
				imgs = imagelist.HideIntermediate(imgs)
			}
			if imgs, err = imagelist.Filter(imgs, filters, args); err != nil {
				return err
			}
			return imagelist.Write(a.stdout, imgs, fm, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print only image IDs")
	f.BoolVar(&o.Digests, "digests", false, "show digests")
	f.BoolVar(&o.NoTrunc, "no-trunc", false, "do not truncate IDs")
	f.BoolVarP(&all, "all", "a", false, "show all images, with the intermediate images of builds (untagged parents of other images)")
	f.StringVar(&outFormat, "format", "", "output format: json or a Go template (e.g. '{{.Repository}}:{{.Tag}}')")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter: dangling=true|false, reference=PATTERN")
	return cmd
}
