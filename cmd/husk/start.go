//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime"
)

// startExisting starts a created or stopped container, one start at a
// time: a second start finds it running (which is fine, as in podman).
func (a *app) startExisting(ctx context.Context, env runtime.Env, c *runtime.Container, attach, interactive bool) error {
	lock, err := c.StartLockFile()
	if err != nil {
		return err
	}
	released := false
	release := func() {
		if !released {
			released = true
			lock.Close()
		}
	}
	defer release()
	if err := runtime.Refresh(env, c); err != nil {
		return err
	}
	if err := c.Reload(); err != nil {
		return err
	}
	if c.Alive() {
		fmt.Fprintln(a.stdout, c.Name)
		return nil
	}
	// Started as it was created: its recorded settings (runtime, cgroup
	// manager) stand unless this command gives others.
	if changed, err := a.global.adopt(c.Config.Settings); err != nil {
		return err
	} else if changed {
		if env, err = a.runtimeEnv(env.Store); err != nil {
			return err
		}
	}
	if interactive {
		c.Config.Interactive = true // for this start only
	}
	if !attach {
		if err := a.startDetached(c, lock); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, c.Name)
		return nil
	}
	return a.startForeground(ctx, env, c, release, allStreams)
}

func (a *app) startForeground(ctx context.Context, env runtime.Env, c *runtime.Container, started func(), fio foregroundIO) error {
	stdio, done, err := attachedStdio(runtime.Stdio{Stdin: stdinFile(a.stdin), Stdout: a.stdout, Stderr: a.stderr}, fio)
	if err != nil {
		return err
	}
	defer done()
	stdio.Started = func(int) {
		runtime.RecordEvent(env, c, events.Attach)
		if started != nil {
			started()
		}
	}
	return containerExit(runtime.StartAttached(ctx, env, c, stdio))
}

// stdinFile prefers the process's real stdin file so that the runtime can
// hand it to the container directly.
func stdinFile(r io.Reader) io.Reader {
	if r == nil {
		return os.Stdin
	}
	return r
}

func newStartCommand(a *app) *cobra.Command {
	var attach, interactive bool
	cmd := &cobra.Command{
		Use:   "start [flags] CONTAINER [CONTAINER...]",
		Short: "Start created or stopped containers",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if attach && len(args) > 1 {
				return fmt.Errorf("you cannot start and attach multiple containers at once")
			}
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				return a.startExisting(cmd.Context(), env, c, attach, interactive)
			})
		},
	}
	cmd.Flags().BoolVarP(&attach, "attach", "a", false, "attach to the container's output and wait for it")
	cmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "connect stdin")
	return cmd
}
