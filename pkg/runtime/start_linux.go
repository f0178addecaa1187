package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// Start builds the bundle, runs the container in the foreground with the
// given stdio and returns its exit code. The lifecycle follows the runtime
// spec: create, start, wait, delete. With cfg.Remove everything of the
// container goes afterwards, also when something fails.
func Start(ctx context.Context, env Env, c *Container, stdio Stdio) (code int, err error) {
	if c.State.Status == StatusRunning {
		return 0, fmt.Errorf("container %s is already running", c.Name)
	}
	// Limits the host cannot enforce (any more) are refused before
	// anything is mounted, attached or started.
	if err := checkResources(env, c.Config); err != nil {
		return 0, err
	}
	if !stdio.monitored {
		c.State.Restarting = false // a start in the foreground is the user's
	}
	s := &starter{env: env, c: c, stdio: stdio, t0: time.Now(), early: stdio.Early}
	defer func() {
		if rerr := s.teardown(); rerr != nil && err == nil {
			err = rerr
		}
	}()
	if err := s.prepare(ctx); err != nil {
		return 0, err
	}
	l := &launch{
		tty: c.Config.TTY, interactive: c.Config.Interactive, stdio: stdio, signalsFromCreate: true,
		pidFile: filepath.Join(c.Dir, "pidfile"), cgroup: s.cgroupFD,
		create: s.create, placed: s.placed, created: s.created, running: s.running,
		// The teardown, as the start, must be finished by a later
		// command if this process is killed in the middle of it.
		exited: func() { _ = markStarting(c); s.unmountEarly() },
		trace:  s.tlog,
	}
	// Without a network helper to wait for (none, or a bridge without
	// published ports), nothing happens in the created state (the cgroup
	// is given to the runtime), so create and start are one runtime call.
	// A terminal gets its size in the created state, before the process
	// can look at it.
	s.startNow = !c.Config.TTY && (s.net.attachment == nil || !s.net.attachment.NeedsReady())
	if !s.startNow {
		l.start = func() error { return s.drv.Start(context.Background(), c.ID) }
	}
	code, err = l.run(ctx)
	if !s.ran {
		if c.State.Status == StatusRunning {
			// Killed (and reaped) after it was recorded as running.
			c.State.Status, c.State.FinishedAt = StatusExited, time.Now().UTC()
			_ = c.SaveState()
		}
		return code, err
	}
	return code, s.exited(code, err)
}

// starter is what Start knows of the container it starts, from preparing
// the bundle to the teardown.
type starter struct {
	env   Env
	c     *Container
	stdio Stdio
	t0    time.Time

	net      netPlan
	plan     cgroups.Plan
	cgroupFD *os.File
	startNow bool
	// drv is the driver of the runtime that created the container.
	drv oci.Driver
	// ran: the container's process ran (and was waited for).
	ran bool
	// early is the runtime started before the container existed, if
	// any; specJSON is the spec it is given.
	early    *Early
	specJSON []byte
	// exitTime, when set, is when the process exited (the C waiter
	// recorded it); else it exited now.
	exitTime time.Time
	// unsaved: the exit is recorded in memory only, for the removal
	// (--rm) that follows; endedEarly: so was the running state, the
	// process having ended before it was recorded (--rm).
	unsaved, endedEarly bool
	// hooks: the spec has OCI hooks (which may look at the rootfs until
	// the runtime's delete); unmounted, when set, is closed once the
	// early unmount of a --rm container's layer is done.
	hooks     bool
	unmounted chan struct{}
	// cleanup runs in reverse order at the teardown; background ones run
	// side by side with it and are waited for at its end.
	cleanup    []func()
	background []func()
}

func (s *starter) tlog(what string) { logrus.Debugf("timing: %s at %v", what, time.Since(s.t0)) }

// prepare mounts the rootfs, attaches the network, writes config.json and
// places the cgroup; each leaves its undoing to the teardown.
func (s *starter) prepare(ctx context.Context) error {
	env, c := s.env, s.c
	rootfs, err := mountRoot(env, c)
	s.tlog("mounted")
	if err != nil {
		return err
	}
	if !c.Config.Remove || c.Config.RootfsOverlay {
		// (A --rm container's layer is unmounted as it is deleted.)
		s.cleanup = append(s.cleanup, func() { unmountRoot(env, c) })
	}
	if s.net, err = prepareNetwork(ctx, env, c); err != nil {
		return err
	}
	if s.net.attachment != nil {
		s.cleanup = append(s.cleanup, func() {
			if err := netns.Detach(netRunDir(env), c.ID); err != nil {
				logrus.Warnf("%v", err)
			}
		})
	}
	s.tlog("network prepared")
	spec, err := buildSpec(ctx, env, c, rootfs, s.net)
	if err == nil {
		err = s.mountImages(spec)
	}
	if err != nil {
		return err
	}
	s.hooks = spec.Hooks != nil
	s.tlog("spec built")
	if s.plan, s.cgroupFD, err = placeCgroup(env, c, spec); err != nil {
		return err
	}
	s.early.placed(s.plan.Dir)
	if s.plan.Dir != "" {
		// Removed alongside the rest of the cleanup: the kernel may still
		// count the last processes for a moment after the init was reaped.
		s.background = append(s.background, func() {
			if err := cgroups.Remove(s.plan.Dir); err != nil {
				logrus.Warnf("%v", err)
			}
		})
	}
	if s.cgroupFD != nil {
		s.cleanup = append(s.cleanup, func() { s.cgroupFD.Close() })
	}
	b, err := encodeSpec(spec)
	if err != nil {
		return err
	}
	if s.early.pending() && spec.Hooks != nil {
		// A hook reads config.json, which must then be a file.
		if err := s.early.abandon(); err != nil {
			return err
		}
	}
	if s.early.pending() {
		s.specJSON = b
		err = s.early.keepSpec(c, b)
	} else {
		err = writeSpecFile(c, b)
	}
	if err != nil {
		return err
	}
	// From here until the process runs, a kill of this process leaves
	// things that a later command must clean up (reconcileStart).
	return markStarting(c)
}

// create has the first runtime that takes it create the container. A
// runtime that refuses the host is skipped, with a notice, for the next
// one, and remembered.
func (s *starter) create(_ context.Context, lio *launchIO) error {
	notifyMainPID(s.c)
	env, c := s.env, s.c
	for i, rt := range env.Runtimes {
		drv := rt.Driver(runtimeCgroupArgs(rt.Name(), s.plan, c.Config.CgroupsDisabled))
		e := s.early
		if i > 0 || !e.fits(lio) {
			e = nil
		}
		o, err := e.attach(lio)
		if e == nil {
			o, err = lio.attempt()
		}
		if err != nil {
			return err
		}
		co := oci.CreateOptions{Bundle: c.Dir, StartNow: s.startNow, DropGroups: c.Config.ownUserNS() && !c.Config.KeepGroups, IO: o}
		if e != nil && !e.matches(drv, c.ID, co) {
			if err := e.abandon(); err != nil {
				return err
			}
			lio.failed() // its complaint about the spec it did not get
			e = nil
			if o, err = lio.attempt(); err != nil {
				return err
			}
			co.IO = o
		}
		if e == nil {
			if err := s.early.abandon(); err != nil {
				return err
			}
			// A signal to this process must not cancel the create: it
			// goes to the container once it runs.
			err = drv.Create(context.Background(), c.ID, co)
		} else {
			err = e.deliver(s.specJSON)
			s.tlog("runtime started early")
		}
		if err == nil {
			lio.made()
			s.drv = drv
			c.State.Runtime, c.State.RuntimeArgs = rt.Name(), runtimeCgroupArgs(rt.Name(), s.plan, c.Config.CgroupsDisabled)
			return nil
		}
		if msg := lio.failed(); msg != "" && !strings.Contains(err.Error(), msg) {
			err = fmt.Errorf("%w (%s)", err, msg)
		}
		_ = drv.Delete(context.Background(), c.ID, oci.DeleteOptions{})
		if i+1 < len(env.Runtimes) && oci.RefusesHost(err) {
			reason := oci.Message(err.Error())
			if env.Notices != nil {
				fmt.Fprintf(env.Notices, "husk: notice: %s cannot run containers on this host (%s); using %s\n", rt.Name(), reason, env.Runtimes[i+1].Name())
			}
			if env.StateDir != "" {
				oci.RememberRefusal(env.StateDir, rt.Name(), reason)
			}
			continue
		}
		if oci.RefusesHost(err) {
			err = setting.Errorf("%w; choose another runtime with {runtime} (e.g. {runtime} runc)", err)
		}
		return err
	}
	return fmt.Errorf("no OCI runtime to run container %s with", c.Name)
}

// placed records the cgroup the created container's process is in.
func (s *starter) placed(pid int) error { return recordCgroup(s.env, s.c, s.plan, pid) }

// created records the container's running state and waits for its
// network.
func (s *starter) created(pid int) error {
	c := s.c
	// The process that waits for the container (a monitor, or this
	// foreground husk) is what other commands wait for to record the exit.
	if c.State.MonitorPid == 0 {
		c.State.MonitorPid = os.Getpid()
	}
	c.State.Net = &s.net.info
	c.State.Status, c.State.Pid, c.State.StartedAt = StatusRunning, pid, time.Now().UTC()
	c.State.StartTicks, c.State.ExitCode, c.State.Error = procStartTicks(pid), 0, ""
	noteRestartOnStart(c)
	// A foreground --rm container whose process already ended (create
	// and start in one runtime call: a short command) is not recorded as
	// running: this process's teardown removes the record right after,
	// and the start stays marked until then. (A monitor's teardown runs
	// in another process, which reads the running state.)
	s.endedEarly = c.Config.Remove && !s.stdio.monitored && s.stdio.handover == nil && isZombie(pid)
	if !s.endedEarly {
		if err := c.SaveState(); err != nil {
			return err
		}
	}
	if err := c.Config.PidFiles.write(pid, c.State.MonitorPid); err != nil {
		return err
	}
	RecordEvent(s.env, c, events.Init)
	if s.net.attachment != nil {
		if err := s.net.attachment.Ready(); err != nil {
			return err
		}
		s.tlog("network ready")
	}
	return nil
}

func (s *starter) running(pid int) {
	s.ran = true
	if !s.endedEarly {
		unmarkStarting(s.c)
	}
	RecordEvent(s.env, s.c, events.Start)
	notifyStarted(s.c)
	if s.stdio.Started != nil {
		s.stdio.Started(pid)
	}
}
