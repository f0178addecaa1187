//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/ctrlist"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newMountCommand(a *app) *cobra.Command {
	var all, noTrunc bool
	var outFormat string
	cmd := &cobra.Command{
		Use:   "mount [flags] [CONTAINER...]",
		Short: "Mount containers' root file systems and print where, or list the mounted ones",
		Long: `Mount the root file system of each CONTAINER and print its path, one line
each; without CONTAINER, list the containers whose root file system is
mounted. A mount stays until husk unmount (or husk rm) takes it back.

Rootless, the mounts live in husk's own user and mount namespace: run
husk mount inside 'husk unshare', where the paths can be used.`,
		Annotations: map[string]string{annUnshare: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if outFormat != "" && outFormat != "json" {
				return fmt.Errorf("unknown --format %q: use json", outFormat)
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			if !all && len(args) == 0 {
				cs, err := runtime.List(store)
				if err != nil {
					return err
				}
				return a.listMounted(env, cs, outFormat, noTrunc)
			}
			paths, err := runtime.MountSet(env, args, all)
			for _, p := range paths {
				fmt.Fprintln(a.stdout, p)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "mount all containers")
	f.BoolVar(&noTrunc, "no-trunc", false, "do not truncate IDs in the list")
	f.StringVar(&outFormat, "format", "", "list format: json")
	return cmd
}

func (a *app) listMounted(env runtime.Env, cs []*runtime.Container, outFormat string, noTrunc bool) error {
	ms, err := runtime.MountedContainers(env, cs)
	if err != nil {
		return err
	}
	return ctrlist.WriteMounted(a.stdout, ms, outFormat == "json", noTrunc)
}

func newUnmountCommand(a *app) *cobra.Command {
	var all, force bool
	cmd := &cobra.Command{
		Use:     "unmount [flags] CONTAINER [CONTAINER...]",
		Aliases: []string{"umount"},
		Short:   "Take back the mounts husk mount made of containers' root file systems",
		Long: `Each husk mount adds one to a container's mount count; husk unmount takes
one back, and the root file system is unmounted when none is left. --force
takes back all of them. The mount a running container holds stays.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("give container names or --all")
			}
			if !all {
				return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
					if err := runtime.Unmount(env, c, force); err != nil {
						return err
					}
					fmt.Fprintln(a.stdout, refOf(args, c))
					return nil
				})
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			ids, err := ctrlist.UnmountAll(store, env, force)
			for _, id := range ids {
				fmt.Fprintln(a.stdout, id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "unmount every mounted container")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "take back all mounts, not one")
	return cmd
}

// refOf is the name the user gave for c (podman prints it back).
func refOf(args []string, c *runtime.Container) string {
	for _, a := range args {
		if a == c.Name || a == c.ID {
			return a
		}
	}
	for _, a := range args {
		if len(a) < len(c.ID) && c.ID[:len(a)] == a {
			return a
		}
	}
	return c.Name
}
