//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/layerreport"
)

func newHistoryCommand(a *app) *cobra.Command {
	var o layerreport.HistoryOptions
	var outFormat string
	cmd := &cobra.Command{
		Use:   "history [flags] IMAGE",
		Short: "Show the steps that made an image, newest first, with their layers' sizes",
		Long: `Show the history an image's config records, newest step first: the image
that ends with each step's layer (<missing> when none is stored), when and
how the step was made, the size of its layer and its comment.`,
		Example: `  husk history localhost/app
  husk history --no-trunc --format '{{.ID}} {{.Size}} {{.CreatedBy}}' localhost/app`,
		Args: cobra.ExactArgs(1),
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
			entries, err := store.History(args[0])
			if err != nil {
				return err
			}
			return layerreport.WriteHistory(a.stdout, entries, fm, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.NoTrunc, "no-trunc", false, "do not truncate IDs and CREATED BY")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print only the IDs")
	f.BoolVarP(&o.Human, "human", "H", true, "show ages (\"2 days ago\") rather than times in CREATED")
	f.StringVar(&outFormat, "format", "", "output format: json or a Go template (e.g. '{{.ID}} {{.CreatedBy}}')")
	return cmd
}
