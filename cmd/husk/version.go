//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/hostinfo"
)

func newVersionCommand(a *app) *cobra.Command {
	var outFormat string
	cmd := &cobra.Command{
		Use:         "version [flags]",
		Short:       "Show husk's version",
		Args:        cobra.NoArgs,
		Annotations: noNamespace,
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			v := hostinfo.VersionReport{Client: hostinfo.NewVersion(version)}
			switch {
			case outFormat == "json":
				return format.JSON(a.stdout, v)
			case fm.Template():
				return fm.Render(a.stdout, []any{v})
			}
			fmt.Fprintf(a.stdout, "Version:    %s\nGo Version: %s\nOS/Arch:    %s\n", v.Client.Version, v.Client.GoVersion, v.Client.OsArch)
			return nil
		},
	}
	cmd.Flags().StringVarP(&outFormat, "format", "f", "", "output format: json, or a Go template over podman's fields ({{.Client.Version}})")
	return cmd
}
