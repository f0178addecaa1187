//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/layerreport"
)

func newDiffCommand(a *app) *cobra.Command {
	var outFormat string
	cmd := &cobra.Command{
		Use:   "diff [flags] CONTAINER|IMAGE",
		Short: "Show the files a container or an image's top layer added (A), changed (C) or deleted (D)",
		Long: `Show what a container changed in its image's file system, or what an
image's top layer changed over the layer below, one "A|C|D PATH" line per
path, sorted by path. The mount points of a container (/etc/hosts,
/etc/resolv.conf, /proc, ...) are left out, as podman diff does.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := layerreport.CheckDiffFormat(outFormat); err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			changes, err := layerreport.Changes(env, args[0])
			if err != nil {
				return err
			}
			return layerreport.WriteDiff(a.stdout, changes, outFormat)
		},
	}
	cmd.Flags().StringVar(&outFormat, "format", "", "output format: json")
	return cmd
}
