//go:build linux

package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/pod"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newRmCommand(a *app) *cobra.Command {
	var (
		o       runtime.RemoveOptions
		timeout int
	)
	cmd := &cobra.Command{
		Use:   "rm [flags] CONTAINER [CONTAINER...]",
		Short: "Remove containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.All == (len(args)+len(o.CIDFiles) > 0) {
				return fmt.Errorf("give container names or --cidfile, or --all alone")
			}
			if cmd.Flags().Changed("time") {
				if !o.Force {
					return fmt.Errorf("--time needs --force: it is how long a running container gets to stop")
				}
				t := time.Duration(timeout) * time.Second
				o.Timeout = &t
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			done, err := runtime.RemoveSet(cmd.Context(), env, args, o)
			last := runtime.WriteRemovals(a.stdout, a.stderr, done, message)
			if o.All && err == nil {
				// Their infra containers gone, the pods go too (podman's rm -a).
				err = pod.RemoveOrphans(env)
			}
			if err != nil {
				return rmExit(err)
			}
			return rmExit(last)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Force, "force", "f", false, "remove running containers too (killed at once, or stopped with their stop signal first with --time)")
	f.BoolVarP(&o.All, "all", "a", false, "remove all containers")
	f.BoolVarP(&o.Ignore, "ignore", "i", false, "skip names that are not containers (and a --cidfile that does not exist)")
	f.BoolVarP(&o.Volumes, "volumes", "v", false, "remove the containers' anonymous volumes too (not named ones)")
	f.BoolVar(&o.Depend, "depend", false, "remove the containers that use a container's namespaces first")
	stringArrayVar(f, &o.CIDFiles, "cidfile", nil, "remove the container whose ID the file holds (run --cidfile)")
	f.IntVarP(&timeout, "time", "t", 10, "with --force, seconds a running container gets to stop after its stop signal before it is killed")
	return cmd
}

// rmExit gives rm's errors podman's exit codes: 1 for a name that is no
// container, 2 for a running container without --force.
func rmExit(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, runtime.ErrContainerUnknown):
		return &exitCodeError{code: 1, msg: message(err)}
	case errors.Is(err, runtime.ErrContainerRunning):
		return &exitCodeError{code: 2, msg: message(err)}
	}
	return err
}
