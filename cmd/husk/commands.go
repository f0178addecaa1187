//go:build linux

package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// Every husk process builds its root command, and building all of it
// (some 70 commands, hundreds of flags) is a good part of a start: the
// allocations alone fault in hundreds of fresh pages. A command line that
// names its command gets that command only; help, completion, the docs
// and anything not recognised get the whole tree, in the same order, so
// that cobra resolves names exactly as it does with everything built.

// topCommand is one entry of the root's table: the names it answers to
// (its name and aliases, as the commands it builds spell them: a unit
// test keeps the two in step) and how to build it.
type topCommand struct {
	names []string
	build func() []*cobra.Command
}

// traverses are the commands whose own flags come before their
// subcommands (compose -f FILE logs -f), which needs cobra's
// TraverseChildren. Only their command lines get it: it would take the
// dashed value of a global flag (--runtime-flag --debug) for a flag.
var traverses = map[string]bool{"compose": true}

func one(c *cobra.Command) []*cobra.Command { return []*cobra.Command{c} }

// commandTable lists the root's commands in the order they are added.
func (a *app) commandTable(root *cobra.Command) []topCommand {
	return []topCommand{
		{[]string{"pull"}, func() []*cobra.Command { return one(newPullCommand(a)) }},
		{[]string{"build", "build-image"}, func() []*cobra.Command { return one(newBuildCommand(a)) }},
		{[]string{"push"}, func() []*cobra.Command { return one(newPushCommand(a)) }},
		{[]string{"images", "list"}, func() []*cobra.Command { return one(newImagesCommand(a)) }},
		{[]string{"image"}, func() []*cobra.Command { return one(newImageCommand(a)) }},
		{[]string{"tag"}, func() []*cobra.Command { return one(newTagCommand(a)) }},
		{[]string{"rmi"}, func() []*cobra.Command { return one(newRmiCommand(a)) }},
		{[]string{"save"}, func() []*cobra.Command { return one(newSaveCommand(a)) }},
		{[]string{"load"}, func() []*cobra.Command { return one(newLoadCommand(a)) }},
		{[]string{"login"}, func() []*cobra.Command { return one(newLoginCommand(a)) }},
		{[]string{"logout"}, func() []*cobra.Command { return one(newLogoutCommand(a)) }},
		{[]string{"system"}, func() []*cobra.Command { return one(newSystemCommand(a)) }},
		{[]string{"info"}, func() []*cobra.Command { return one(newInfoCommand(a)) }},
		{[]string{"version"}, func() []*cobra.Command { return one(newVersionCommand(a)) }},
		{[]string{"run"}, func() []*cobra.Command { return one(newRunCommand(a)) }},
		{[]string{"create"}, func() []*cobra.Command { return one(newCreateCommand(a)) }},
		{[]string{"start"}, func() []*cobra.Command { return one(newStartCommand(a)) }},
		{[]string{"rm"}, func() []*cobra.Command { return one(newRmCommand(a)) }},
		{[]string{"container"}, func() []*cobra.Command { return one(newContainerCommand(a)) }},
		{[]string{"volume"}, func() []*cobra.Command { return one(newVolumeCommand(a)) }},
		{[]string{"pod"}, func() []*cobra.Command { return one(newPodCommand(a)) }},
		{[]string{"secret"}, func() []*cobra.Command { return one(newSecretCommand(a)) }},
		{[]string{monitorCommand}, func() []*cobra.Command { return one(newMonitorCommand(a)) }},
		{[]string{"stop"}, func() []*cobra.Command { return one(newStopCommand(a)) }},
		{[]string{"kill"}, func() []*cobra.Command { return one(newKillCommand(a)) }},
		{[]string{"wait"}, func() []*cobra.Command { return one(newWaitCommand(a)) }},
		{[]string{"restart"}, func() []*cobra.Command { return one(newRestartCommand(a)) }},
		{[]string{"ps", "ls", "list"}, func() []*cobra.Command { return one(newPsCommand(a)) }},
		{[]string{"logs"}, func() []*cobra.Command { return one(newLogsCommand(a)) }},
		{[]string{"exec"}, func() []*cobra.Command { return one(newExecCommand(a)) }},
		{[]string{runtime.ExecDrainCommand}, func() []*cobra.Command { return one(newExecDrainCommand()) }},
		{[]string{"pause"}, func() []*cobra.Command { return one(newPauseCommand(a)) }},
		{[]string{"unpause"}, func() []*cobra.Command { return one(newUnpauseCommand(a)) }},
		{[]string{"update"}, func() []*cobra.Command { return one(newUpdateCommand(a)) }},
		{[]string{"stats"}, func() []*cobra.Command { return one(newStatsCommand(a)) }},
		{[]string{"port"}, func() []*cobra.Command { return one(newPortCommand(a.containerPorts)) }},
		{[]string{"rename"}, func() []*cobra.Command { return one(newRenameCommand(a)) }},
		{[]string{"cp"}, func() []*cobra.Command { return one(newCpCommand(a)) }},
		{[]string{"mount"}, func() []*cobra.Command { return one(newMountCommand(a)) }},
		{[]string{"unmount", "umount"}, func() []*cobra.Command { return one(newUnmountCommand(a)) }},
		{[]string{"unshare"}, func() []*cobra.Command { return one(newUnshareCommand(a)) }},
		{[]string{"top"}, func() []*cobra.Command { return one(newTopCommand(a)) }},
		{[]string{"attach"}, func() []*cobra.Command { return one(newAttachCommand(a)) }},
		{[]string{"inspect"}, func() []*cobra.Command { return one(newTopInspectCommand(a)) }},
		{[]string{"events"}, func() []*cobra.Command { return one(newEventsCommand(a)) }},
		// The docs need every command: never built alone.
		{nil, func() []*cobra.Command { return one(newGenDocsCommand(a, root)) }},
		{[]string{"network"}, func() []*cobra.Command { return one(newNetworkCommand(a.networkDeps())) }},
		{[]string{"commit"}, func() []*cobra.Command { return one(newCommitCommand(a)) }},
		{[]string{"diff"}, func() []*cobra.Command { return one(newDiffCommand(a)) }},
		{[]string{"history"}, func() []*cobra.Command { return one(newHistoryCommand(a)) }},
		{[]string{"export"}, func() []*cobra.Command { return one(newExportCommand(a)) }},
		{[]string{"import"}, func() []*cobra.Command { return one(newImportCommand(a)) }},
		{[]string{"manifest"}, func() []*cobra.Command { return one(newManifestCommand(a)) }},
		{[]string{"untag"}, func() []*cobra.Command { return one(newUntagCommand(a)) }},
		{[]string{"compose"}, func() []*cobra.Command { return one(newComposeCommand(a)) }},
		{[]string{"kube"}, func() []*cobra.Command { return one(newKubeCommand(a)) }},
		{[]string{"play"}, func() []*cobra.Command { return one(newPlayCommand(a)) }},
		{[]string{netns.DNSCommand, netns.PortsCommand, netns.LingerCommand}, newNetHelperCommands},
		{[]string{"healthcheck"}, func() []*cobra.Command { return one(newHealthcheckCommand(a)) }},
		{[]string{healthcheckCommand}, func() []*cobra.Command { return one(newHealthcheckRunnerCommand(a)) }},
	}
}

// addCommands adds the command args name to root, or every command when
// args name none of the table's (or cannot be read without the whole
// tree).
func addCommands(root *cobra.Command, table []topCommand, args []string) {
	if name, ok := commandName(root.PersistentFlags(), args); ok {
		for _, t := range table {
			for _, n := range t.names {
				if n == name {
					root.AddCommand(t.build()...)
					root.TraverseChildren = traverses[t.names[0]]
					return
				}
			}
		}
	}
	for _, t := range table {
		root.AddCommand(t.build()...)
	}
}

// commandName is the first argument that is not a global flag or its
// value; ok is false when there is none or a flag is not one of the
// global ones (cobra then reports it, with every command built).
func commandName(global *pflag.FlagSet, args []string) (string, bool) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--" || arg == "-" || arg == "":
			return "", false
		case !strings.HasPrefix(arg, "-"):
			return arg, true
		case strings.Contains(arg, "="):
			continue // --flag=value (a global flag or cobra's error)
		}
		var f *pflag.Flag
		if strings.HasPrefix(arg, "--") {
			f = global.Lookup(arg[2:])
		} else if len(arg) == 2 {
			f = global.ShorthandLookup(arg[1:])
		}
		if f == nil {
			return "", false
		}
		if f.NoOptDefVal == "" {
			i++ // its value
		}
	}
	return "", false
}
