//go:build linux

package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newContainerCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "container",
		Short: "Manage containers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	inspect := newInspectCommand(a, "inspect [flags] CONTAINER [CONTAINER...]",
		"Show a container's configuration, state and generated OCI config.json", inspectContainer)
	rm := newRmCommand(a)
	ls := newPsCommand(a)
	ls.Use, ls.Aliases = "ls [flags]", []string{"list", "ps"}
	cmd.AddCommand(inspect, rm, ls, newRunCommand(a), newCreateCommand(a), newStartCommand(a),
		newStopCommand(a), newKillCommand(a), newWaitCommand(a), newRestartCommand(a), newLogsCommand(a),
		newExecCommand(a), newRenameCommand(a), newContainerPruneCommand(a), newCpCommand(a), newTopCommand(a),
		newAttachCommand(a))
	return cmd
}

func newContainerPruneCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove all stopped containers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			cs, err := runtime.List(store)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if err := runtime.Refresh(env, c); errors.Is(err, runtime.ErrContainerUnknown) {
					continue
				} else if err != nil {
					return err
				}
				if c.State.Status == runtime.StatusRunning {
					continue
				}
				if err := runtime.Remove(cmd.Context(), env, c, false); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.ID)
			}
			return nil
		},
	}
	cmd.Flags().BoolP("force", "f", false, "do not ask for confirmation (husk never asks)")
	return cmd
}
