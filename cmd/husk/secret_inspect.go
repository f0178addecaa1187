//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/secrets"
)

func newSecretInspectCommand(a *app) *cobra.Command {
	var outFormat string
	var show bool
	cmd := &cobra.Command{
		Use:   "inspect [flags] SECRET [SECRET...]",
		Short: "Show secrets as JSON (podman's keys); the value only with --showsecret",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			list, err := secrets.Inspect(a.secretStore(), args, show)
			if err != nil {
				return err
			}
			out := make([]any, len(list))
			for i := range list {
				out[i] = list[i]
			}
			if fm.Template() {
				return fm.Render(a.stdout, out)
			}
			return format.JSON(a.stdout, out)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&outFormat, "format", "f", "", "a Go template ('{{.Spec.Name}}'), or json")
	f.BoolVar(&show, "showsecret", false, "include the value (SecretData), as later podman")
	return cmd
}
