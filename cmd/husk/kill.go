//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newKillCommand(a *app) *cobra.Command {
	var (
		signal string
		sel    = runtime.Selection{RunningOnly: true}
	)
	cmd := &cobra.Command{
		Use:   "kill [flags] CONTAINER [CONTAINER...]",
		Short: "Send a signal to containers (SIGKILL by default)",
		RunE: func(cmd *cobra.Command, args []string) error {
			sig, err := runtime.ParseSignal(signal)
			if signal == "0" {
				sig, err = 0, nil // checks that the container runs, as kill(1)
			}
			if err != nil {
				return err
			}
			sel.Refs = args
			return a.withSelection(sel, func(env runtime.Env, t runtime.Target) error {
				if err := runtime.Kill(env, t.C, sig); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, t.Ref)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&signal, "signal", "s", "KILL", "signal to send")
	f.BoolVarP(&sel.All, "all", "a", false, "signal all running containers")
	f.BoolVarP(&sel.Latest, "latest", "l", false, "signal the container created last")
	stringArrayVar(f, &sel.CIDFiles, "cidfile", nil, "signal the container whose ID the file holds (run --cidfile)")
	return cmd
}
