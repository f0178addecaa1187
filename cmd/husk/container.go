//go:build linux

package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/ctrlist"
	"github.com/husk-dev/husk/internal/prunefilter"
	"github.com/husk-dev/husk/internal/sysprune"
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
		"Show a container's configuration, state and generated OCI config.json", a.inspectContainer)
	rm := newRmCommand(a)
	ls := newPsCommand(a)
	ls.Use, ls.Aliases = "ls [flags]", []string{"list", "ps"}
	cmd.AddCommand(inspect, rm, ls, newRunCommand(a), newCreateCommand(a), newStartCommand(a),
		newStopCommand(a), newKillCommand(a), newWaitCommand(a), newRestartCommand(a), newLogsCommand(a),
		newExecCommand(a), newRenameCommand(a), newContainerPruneCommand(a), newCpCommand(a), newTopCommand(a),
		newAttachCommand(a))
	cmd.AddCommand(newContainerMoreCommands(a)...)
	return cmd
}

func newContainerPruneCommand(a *app) *cobra.Command {
	var filters []string
	var force bool
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove all stopped containers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := prunefilter.Parse(filters, time.Now(), prunefilter.Containers)
			if err != nil {
				return err
			}
			if ok, err := confirmed(cmd, force, "WARNING! This will remove all non running containers.\n"); !ok || err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			removed, err := ctrlist.RemoveStoppedMatching(cmd.Context(), store, env, sysprune.ContainerMatch(f))
			for _, id := range removed {
				fmt.Fprintln(a.stdout, id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	addPruneFilterFlag(cmd, &filters)
	return cmd
}
