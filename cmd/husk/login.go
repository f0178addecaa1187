package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/husk-dev/husk/pkg/pull"
)

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
			sys, err := reg.options().SystemContext()
			if err != nil {
				return err
			}
			in := bufio.NewReader(a.stdin)
			if user == "" {
				if !isTerminal(a.stdin) {
					return fmt.Errorf("no username: use --username")
				}
				fmt.Fprint(a.stderr, "Username: ")
				line, err := in.ReadString('\n')
				if err != nil {
					return fmt.Errorf("read username: %w", err)
				}
				user = strings.TrimSpace(line)
			}
			switch {
			case passwordStdin:
				if password != "" {
					return fmt.Errorf("use either --password or --password-stdin")
				}
				b, err := io.ReadAll(in)
				if err != nil {
					return fmt.Errorf("read password: %w", err)
				}
				password = strings.TrimRight(string(b), "\r\n")
			case password == "":
				if !isTerminal(a.stdin) {
					return fmt.Errorf("no password: use --password-stdin")
				}
				fmt.Fprint(a.stderr, "Password: ")
				b, err := term.ReadPassword(int(os.Stdin.Fd()))
				fmt.Fprintln(a.stderr)
				if err != nil {
					return fmt.Errorf("read password: %w", err)
				}
				password = string(b)
			}
			if _, err := pull.Login(cmd.Context(), sys, args[0], user, password); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "Login Succeeded!")
			return nil
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
			sys, err := pull.RegistryOptions{AuthFile: authFile}.SystemContext()
			if err != nil {
				return err
			}
			reg := ""
			if len(args) == 1 {
				reg = args[0]
			}
			if err := pull.Logout(sys, reg, all); err != nil {
				return err
			}
			if all {
				fmt.Fprintln(a.stdout, "Removed login credentials for all registries")
			} else {
				fmt.Fprintf(a.stdout, "Removed login credentials for %s\n", reg)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove the credentials of every registry")
	cmd.Flags().StringVar(&authFile, "authfile", "", "path of the authentication file")
	return cmd
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
