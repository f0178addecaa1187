//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// loginOptions are login's flags.
type loginOptions struct {
	user, password string
	passwordStdin  bool
	reg            pullopts.RegistryOptions
}

func newLoginCommand(a *app) *cobra.Command {
	var user, password string
	var passwordStdin bool
	var reg *registryFlags
	cmd := &cobra.Command{
		Use:         "login [flags] REGISTRY",
		Short:       "Log in to a registry and store the credentials in auth.json",
		Args:        cobra.ExactArgs(1),
		Annotations: noNamespace,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runLogin(cmd.Context(), args[0], loginOptions{
				user: user, password: password, passwordStdin: passwordStdin, reg: reg.options(),
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&user, "username", "u", "", "user name")
	f.StringVarP(&password, "password", "p", "", "password (visible to other users in ps; prefer --password-stdin)")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	reg = addRegistryFlags(f, false)
	return cmd
}

func newLogoutCommand(a *app) *cobra.Command {
	var all bool
	var authFile string
	cmd := &cobra.Command{
		Use:         "logout [flags] REGISTRY",
		Short:       "Remove stored credentials for a registry",
		Args:        cobra.MaximumNArgs(1),
		Annotations: noNamespace,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) == 1) {
				return fmt.Errorf("give either a registry or --all")
			}
			reg := ""
			if len(args) == 1 {
				reg = args[0]
			}
			return a.runLogout(reg, all, authFile)
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove the credentials of every registry")
	cmd.Flags().StringVar(&authFile, "authfile", "", "path of the authentication file")
	return cmd
}
