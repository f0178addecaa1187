//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/resourcelist"
)

func newSecretLsCommand(a *app) *cobra.Command {
	var o resourcelist.Options
	var outFormat string
	cmd := &cobra.Command{
		Use:     "ls [flags]",
		Aliases: []string{"list"},
		Short:   "List secrets (never their values)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			list, err := a.secretStore().List()
			if err != nil {
				return err
			}
			return resourcelist.WriteSecrets(a.stdout, fm, list, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print only IDs")
	f.BoolVar(&o.NoHeading, "noheading", false, "do not print the header row of a table")
	f.StringVar(&outFormat, "format", "", "json, or a Go template of .ID .Name .Driver .CreatedAt .UpdatedAt ('table …' adds a header)")
	stringArrayVarP(f, &o.Filters, "filter", "f", nil, "filter KEY=VALUE: name or id (regular expressions)")
	return cmd
}
