//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/secrets"
)

func newSecretRmCommand(a *app) *cobra.Command {
	var o secrets.RemoveOptions
	cmd := &cobra.Command{
		Use:   "rm [flags] SECRET [SECRET...]",
		Short: "Remove secrets (containers that use one can no longer start, as in podman)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.All == (len(args) > 0) {
				return fmt.Errorf("give secret names or IDs, or --all alone")
			}
			err := secrets.RemoveAll(a.secretStore(), args, o, func(id string, err error) {
				if err != nil {
					fmt.Fprintf(a.stderr, "husk: %s\n", message(err))
					return
				}
				fmt.Fprintln(a.stdout, id)
			})
			if err != nil {
				return &exitCodeError{code: exitHusk} // each error is printed
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.All, "all", "a", false, "remove all secrets")
	f.BoolVarP(&o.Ignore, "ignore", "i", false, "no error for a secret that does not exist (later podman)")
	return cmd
}
