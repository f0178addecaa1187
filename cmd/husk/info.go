//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/hostinfo"
)

func newInfoCommand(a *app) *cobra.Command {
	var outFormat string
	cmd := &cobra.Command{
		Use:   "info [flags]",
		Short: "Show the user namespace, store, runtimes, cgroups and network helpers husk will use",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info := hostinfo.Gather(cmd.Context(), hostinfo.Options{
				Version: version, State: a.state, RuntimeDir: a.runtimeDir, Store: a.storeOptions(),
				OpenStore: a.openStore, Cgroups: a.cgroupInfo, Transfers: transfersInfo(),
			})
			if outFormat == "json" {
				return format.JSON(a.stdout, info)
			}
			if outFormat != "" {
				return fmt.Errorf("unknown --format %q: use json", outFormat)
			}
			info.WriteText(a.stdout)
			return nil
		},
	}
	cmd.Flags().StringVarP(&outFormat, "format", "f", "", "output format: json")
	return cmd
}
