//go:build linux

package main

import (
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/secrets"
)

// secretStore is the user's secrets, ROOT/secrets as podman has them.
func (a *app) secretStore() *secrets.Store {
	return secrets.Open(filepath.Join(a.storeOptions().GraphRoot, "secrets"))
}

func newSecretCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secret",
		Short: "Manage secrets: values containers get at start (--secret), never stored in images",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newSecretCreateCommand(a), newSecretLsCommand(a), newSecretInspectCommand(a),
		newSecretRmCommand(a), newSecretExistsCommand(a))
	return cmd
}
