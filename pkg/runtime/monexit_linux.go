package runtime

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/netns"
)

// The exit file: the C waiter (internal/monwait) writes it when the
// container's init exited, before it executes husk for the teardown, as
// "1 PID TICKS CODE UNIX_NS" (format version, the init's pid and start
// ticks, its exit code, when it exited). It lets the commands that wait
// for the exit (WaitExit) return without waiting for the teardown, and a
// Refresh after a monitor killed during the teardown know the code. The
// pid and ticks tie it to one run: a file left by an earlier run does not
// match the record.
const exitFileName = "exit"

func exitFile(c *Container) string { return filepath.Join(c.Dir, exitFileName) }

// recordedExit is what an exit file says.
type recordedExit struct {
	code int
	at   time.Time
}

// readExit returns the exit the waiter recorded for the container's
// current process, if it did.
func readExit(c *Container) (recordedExit, bool) {
	if c.State.Pid <= 0 {
		return recordedExit{}, false
	}
	b, err := os.ReadFile(exitFile(c))
	if err != nil {
		return recordedExit{}, false
	}
	f := strings.Fields(string(b))
	if len(f) != 5 || f[0] != "1" {
		return recordedExit{}, false
	}
	pid, err1 := strconv.Atoi(f[1])
	ticks, err2 := strconv.ParseUint(f[2], 10, 64)
	code, err3 := strconv.Atoi(f[3])
	ns, err4 := strconv.ParseInt(f[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || pid != c.State.Pid || ticks != c.State.StartTicks {
		return recordedExit{}, false
	}
	return recordedExit{code: code, at: time.Unix(0, ns).UTC()}, true
}

// unknownExit is the record's error when the exit code is lost.
const unknownExit = "the container's process or its monitor disappeared; exit code unknown"

// FinishMonitor is the body of "husk __monitor ID" when the C waiter
// executed it after the container exited: what Monitor does after its
// wait (record the exit, tear down; with --rm, remove the container),
// from the record and the exit file.
func FinishMonitor(ctx context.Context, env Env, c *Container) error {
	if c.State.Status != StatusRunning || c.State.MonitorPid != os.Getpid() {
		return nil // cleaned up by another command meanwhile (Refresh)
	}
	return finishExited(ctx, env, c)
}

// finishExited is the teardown of c, whose exit the C waiter recorded:
// the monitor's, or the attached command's (AttachedMonitor.Finish).
func finishExited(ctx context.Context, env Env, c *Container) error {
	// A kill from here on leaves the teardown to the next command.
	if err := markStarting(c); err != nil {
		return err
	}
	// Caught from here: the user ending a restart policy (stopRestarts)
	// ends this process once the teardown is done.
	var sigs chan os.Signal
	if c.Config.Restart.Restarts() {
		sigs = restartSignals()
	}
	s := starterFromRecord(env, c)
	s.stdio.monitored = true
	code := -1
	if e, ok := readExit(c); ok {
		code, s.exitTime = e.code, e.at
	} else {
		c.State.Error = unknownExit
	}
	err := s.exited(code, nil)
	if terr := s.teardown(); terr != nil && err == nil {
		err = terr
	}
	return superviseRestarts(ctx, env, c, err, sigs)
}

// starterFromRecord is the starter of a running container as its record
// describes it, for the teardown after its exit: the runtime that created
// it, the cgroup husk made for it, its mounts and its network.
func starterFromRecord(env Env, c *Container) *starter {
	s := &starter{env: env, c: c, t0: time.Now()}
	for _, rt := range env.Runtimes {
		if rt.Name() == c.State.Runtime {
			s.drv = rt.Driver(c.State.RuntimeArgs)
			break
		}
	}
	if s.drv == nil {
		// Not among this command's runtimes: whichever has it deletes it.
		s.background = append(s.background, func() { deleteFromRuntimes(context.Background(), env, c) })
	}
	if dir := c.State.Cgroup; c.State.CgroupOwned && dir != "" {
		s.plan.Dir = dir
		s.background = append(s.background, func() {
			if err := cgroups.Remove(dir); err != nil {
				logrus.Warnf("%v", err)
			}
		})
	}
	// In the order Start's prepare adds them (the teardown runs them in
	// reverse).
	if !c.Config.Remove || c.Config.RootfsOverlay {
		s.cleanup = append(s.cleanup, func() { unmountRoot(env, c) })
	}
	if hasAttachment(c) {
		s.cleanup = append(s.cleanup, func() {
			if err := netns.Detach(netRunDir(env), c.ID); err != nil {
				logrus.Warnf("%v", err)
			}
		})
	}
	if len(c.Config.ImageMounts) > 0 {
		s.cleanup = append(s.cleanup, func() { unmountImages(env, c) })
	}
	return s
}

// hasAttachment reports whether the container's network mode attaches a
// network (prepareNetwork's cases that return an attachment).
func hasAttachment(c *Container) bool {
	n := c.Config.Net
	n.Mode = c.Config.NetworkMode()
	return n.UsesNamespace() || netns.IsUserNetwork(n.Mode)
}
