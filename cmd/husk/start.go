//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/attach"
)

// startExisting starts a created or stopped container, one start at a
// time: a second start finds it running, which is fine and, as in podman
// 4.3.1, prints nothing (attached, husk does not attach to it: it prints
// ref). A detached start prints ref, the name or ID as the user gave it.
func (a *app) startExisting(ctx context.Context, env runtime.Env, c *runtime.Container, attach, interactive bool, ref string, fio foregroundIO) error {
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
	if err := runtime.StepAsideRestart(c); err != nil {
		return err
	}
	// The last run's teardown may still be removing its network
	// namespace and mounts: this start must not make its own under it.
	if err := runtime.WaitTeardown(ctx, env, c); err != nil {
		return err
	}
	if c.Alive() {
		if attach && ref != "" {
			fmt.Fprintln(a.stdout, ref)
		}
		return nil
	}
	if err := a.ensurePodInfra(ctx, env, c); err != nil {
		return err
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
		if ref != "" {
			fmt.Fprintln(a.stdout, ref)
		}
		return nil
	}
	return a.startForeground(ctx, env, c, lock, release, fio)
}

// startForeground runs c in the foreground. lock is its start lock, if
// the caller holds it (else it is taken), and started is called once c
// runs. A container with a terminal that takes input is started by a
// monitor that the command attaches to, so that the user can detach from
// it (detachable); the others are husk's own children, which costs less.
func (a *app) startForeground(ctx context.Context, env runtime.Env, c *runtime.Container, lock *os.File, started func(), fio foregroundIO) error {
	if fio.detachable(c) {
		return a.startAttached(ctx, env, c, lock, started, fio)
	}
	stdio, done, err := attachedStdio(runtime.Stdio{Stdin: stdinFile(a.stdin), Stdout: a.stdout, Stderr: a.stderr}, fio)
	if err != nil {
		return err
	}
	defer done()
	// A foreground container's checks run from here, as a monitor's do.
	var checks *runtime.HealthChecks
	stdio.Started = func(int) {
		runtime.RecordEvent(env, c, events.Attach)
		checks = runtime.StartHealthChecks(c, append(a.globalArgs(), healthcheckCommand, c.ID))
		if started != nil {
			started()
		}
	}
	code, err := runtime.StartAttached(ctx, env, c, stdio)
	checks.Stop()
	return containerExit(code, err)
}

// startAttached starts c with an attached monitor and shows its terminal
// (attach.Foreground) until it exits, or the user detaches (exit 0, c goes
// on).
func (a *app) startAttached(ctx context.Context, env runtime.Env, c *runtime.Container, lock *os.File, started func(), fio foregroundIO) error {
	if lock == nil {
		f, err := c.StartLockFile()
		if err != nil {
			return err
		}
		defer f.Close()
		lock = f
	}
	spawn := func() (*runtime.AttachedMonitor, error) {
		m, err := runtime.SpawnAttachedMonitor(c, a.monitorArgv(c.ID), lock, terminalFile(a.stdin))
		if err != nil && c.Config.Remove {
			// A run --rm that did not start leaves nothing, as the
			// foreground run that is husk's child does.
			_ = runtime.Remove(context.Background(), env, c, true)
		}
		if err == nil {
			if started != nil {
				started()
			}
			runtime.RecordEvent(env, c, events.Attach)
		}
		return m, err
	}
	o := attach.Options{Stdin: stdinFile(a.stdin), Stdout: a.stdout, Stderr: a.stderr, DetachKeys: fio.detachKeys}
	code, err := attach.Foreground(ctx, env, c, spawn, o)
	if errors.Is(err, attach.ErrDetached) {
		return nil
	}
	return containerExit(code, err)
}

// terminalFile is r when it is a terminal, else nil.
func terminalFile(r io.Reader) *os.File {
	if f, ok := stdinFile(r).(*os.File); ok && isTerminal(f) {
		return f
	}
	return nil
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
	var (
		r           runtime.StartRequest
		interactive bool
		sigProxy    bool
		filters     []string
	)
	cmd := &cobra.Command{
		Use:   "start [flags] CONTAINER [CONTAINER...]",
		Short: "Start created or stopped containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Refs = args
			if len(filters) > 0 {
				f, err := a.parseFilter(filters)
				if err != nil {
					return err
				}
				r.Filter, r.NarrowFilter = f.Match, true
			}
			if cmd.Flags().Changed("sig-proxy") {
				r.SigProxy = &sigProxy
			}
			if err := r.Check(); err != nil {
				return err
			}
			keys, err := attach.ParseDetachKeys(r.DetachKeys)
			if err != nil {
				return err
			}
			fio := allStreams
			fio.detachKeys = keys
			return a.withSelection(r.Selection, func(env runtime.Env, t runtime.Target) error {
				return a.startExisting(cmd.Context(), env, t.C, r.Attach, interactive, t.Ref, fio)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&r.Attach, "attach", "a", false, "attach to the container's output and wait for it")
	f.BoolVarP(&interactive, "interactive", "i", false, "connect stdin")
	f.BoolVar(&r.All, "all", false, "start all containers (those that run already are left as they are)")
	f.BoolVarP(&r.Latest, "latest", "l", false, "start the container created last")
	stringArrayVarP(f, &filters, "filter", "f", nil, "start the containers that match KEY=VALUE (the filters of ps, but before and since); with names, those of them that match")
	f.BoolVar(&sigProxy, "sig-proxy", false, "forward signals to the container (with --attach, what husk does)")
	f.StringVar(&r.DetachKeys, "detach-keys", attach.DefaultDetachKeys, "with --attach, the keys that detach from the container's terminal, leaving it running: comma-separated, each a character or ctrl-X (X one of a-z @ [ \\ ] ^ _); \"\" for none")
	return cmd
}
