//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/labels"
	"github.com/husk-dev/husk/pkg/secrets"
)

func newSecretCreateCommand(a *app) *cobra.Command {
	var o secrets.CreateOptions
	var fromEnv bool
	var labelVals []string
	cmd := &cobra.Command{
		Use:   "create [flags] NAME FILE|-",
		Short: "Create a secret from a file, stdin (-) or an environment variable (--env)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := labels.Parse(labelVals, nil)
			if err != nil {
				return withFlagNames(err)
			}
			o.Labels = l
			if err := secrets.CheckDriver(o.Driver); err != nil {
				return err
			}
			data, err := secrets.ReadValue(secrets.Source{Arg: args[1], FromEnv: fromEnv, Stdin: cmd.InOrStdin()})
			if err != nil {
				return err
			}
			id, err := a.secretStore().Create(args[0], data, o)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, id)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Driver, "driver", "d", secrets.DriverFile, "driver that keeps the value: file (the only one husk has)")
	f.BoolVar(&fromEnv, "env", false, "the second argument names an environment variable holding the value")
	stringArrayVarP(f, &labelVals, "label", "l", nil, "set a label KEY=VALUE on the secret")
	return cmd
}
