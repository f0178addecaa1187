//go:build linux

package main

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/childenv"
	"github.com/husk-dev/husk/internal/monwait"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// monitorArgv is how a monitor for container id is executed: husk with the
// same global settings.
func (a *app) monitorArgv(id string) []string {
	return append(a.globalArgs(), monitorCommand, id)
}

const monitorCommand = "__monitor"

// startDetached hands the container to a monitor and returns once it runs.
// startLock is the container's start lock if the caller holds it (nil:
// taken here); the monitor shares it until the container runs.
func (a *app) startDetached(c *runtime.Container, startLock *os.File) error {
	if startLock == nil {
		f, err := c.StartLockFile()
		if err != nil {
			return err
		}
		defer f.Close()
		startLock = f
	}
	return containerExit(0, runtime.SpawnMonitor(c, a.monitorArgv(c.ID), startLock))
}

func newMonitorCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    monitorCommand + " ID",
		Short:  "Run as the monitor of a detached container (internal)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				env.Notices = nil
				// The C waiter, entered before the Go runtime starts.
				env.MonitorWaiter = monwait.Available
				if c.Config.Remove {
					// The monitor mounts, runs and removes a volatile
					// container, and writes nothing else to the store:
					// fsync off for the whole (monitor) process.
					storage.NoFsyncForRestOfProcess()
				}
				if os.Getenv(childenv.MonitorExited) == "1" {
					os.Unsetenv(childenv.MonitorExited)
					// Executed by the C waiter once the container exited.
					return runtime.FinishMonitor(context.Background(), env, c)
				}
				// Stop signals are the container's business.
				return runtime.Monitor(context.Background(), env, c)
			})
		},
	}
}
