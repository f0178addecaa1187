//go:build linux

package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/secrets"
)

func newSecretExistsCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "exists SECRET",
		Short: "Exit 0 if the secret exists, 1 if not (later podman)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := a.secretStore().Lookup(args[0])
			if errors.Is(err, secrets.ErrNoSuchSecret) {
				return &exitCodeError{code: 1}
			}
			return err
		},
	}
}
