//go:build linux

package main

import (
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
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			info := hostinfo.Gather(cmd.Context(), hostinfo.Options{
				Version: version, State: a.state, RuntimeDir: a.runtimeDir, Store: a.storeOptions(),
				OpenStore: a.openStore, Cgroups: a.cgroupInfo, Transfers: transfersInfo(), Runtime: a.global.runtime,
				VolumePath: a.volumeDir(a.storeOptions().GraphRoot),
			})
			switch {
			case outFormat == "json":
				return format.JSON(a.stdout, info)
			case fm.Template():
				return fm.Render(a.stdout, []any{info})
			}
			info.WriteText(a.stdout)
			return nil
		},
	}
	cmd.Flags().StringVarP(&outFormat, "format", "f", "", "output format: json, or a Go template over podman's fields ({{.Host.OCIRuntime.Name}})")
	return cmd
}
