package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/netns"
)

// startingFile marks a start (or the teardown after the exit) in
// progress: the pid and start time of the process that starts the
// container (a foreground husk or the monitor). It is written before the
// runtime's create and removed once the container's process runs, then
// written again from its exit until everything is cleaned up. A marker
// whose process is gone is an interrupted start or teardown: the runtime
// may hold a container in the "created" state (its init waiting), with its
// network helper, cgroup and mounts, or a --rm container may be half
// removed (see reconcileStart).
const startingFile = "starting"

// markStarting records this process as the container's starter.
func markStarting(c *Container) error {
	if c.markedStart {
		return nil // (create's mark, still there at the start of a run)
	}
	if err := markStarter(c, os.Getpid()); err != nil {
		return err
	}
	c.markedStart = true
	return nil
}

func markStarter(c *Container, pid int) error {
	c.markedStart = false
	if err := writeStarter(filepath.Join(c.Dir, startingFile), pid); err != nil {
		return fmt.Errorf("record the start of container %s: %w", c.Name, err)
	}
	return nil
}

// writeStarter records pid (and when it started) in the file at path.
func writeStarter(path string, pid int) error {
	ticks := ownStartTicks()
	if pid != os.Getpid() {
		ticks = procStartTicks(pid)
	}
	b := []byte(strconv.Itoa(pid) + " " + strconv.FormatUint(ticks, 10) + "\n")
	return os.WriteFile(path, b, 0o600)
}

// ownStartTicks is when this process started, read once.
var ownStartTicks = sync.OnceValue(func() uint64 { return procStartTicks(os.Getpid()) })

// handOverStart makes pid the starter of a start in progress (if there is
// one).
func handOverStart(c *Container, pid int) {
	if _, err := os.Stat(filepath.Join(c.Dir, startingFile)); err == nil {
		_ = markStarter(c, pid)
	}
}

// unmarkStarting ends the start in progress.
func unmarkStarting(c *Container) {
	c.markedStart = false
	_ = os.Remove(filepath.Join(c.Dir, startingFile))
}

// starterGone reports whether the container has a start in progress whose
// process is gone.
func starterGone(c *Container) bool { return starterGoneAt(filepath.Join(c.Dir, startingFile)) }

// starterGoneAt reports whether the starter the file at path records
// (markStarter) is gone; false when there is no such file.
func starterGoneAt(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return true // a torn write: its writer died while writing it
	}
	pid, err1 := strconv.Atoi(f[0])
	ticks, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return true
	}
	t := procStartTicks(pid)
	return t == 0 || t != ticks
}

// reconcileStart cleans up after a start whose process was killed: the
// runtime's container (and its waiting init) goes, with its cgroup, network
// helper and namespace files, and its mount. A --rm container is removed
// as its starter would have done; any other is left startable: "created"
// when it never ran, exited (code unknown) when it was already recorded as
// running. The caller holds no lock on c.
func reconcileStart(env Env, c *Container) error {
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	if err := c.Reload(); err != nil || !starterGone(c) {
		unlock()
		return err
	}
	deleteFromRuntimes(context.Background(), env, c)
	if dir := startCgroup(env, c); dir != "" {
		_ = cgroups.Kill(dir)
		_ = cgroups.Remove(dir)
	}
	_ = netns.Detach(netRunDir(env), c.ID)
	unmountImages(env, c)
	_, _ = env.Store.Unmount(c.ID, true)
	if c.State.Status == StatusRunning {
		c.State.Status, c.State.FinishedAt, c.State.ExitCode = StatusExited, time.Now().UTC(), -1
		c.State.Error = "its start was interrupted (the process starting it was killed); exit code unknown"
		if e, ok := readExit(c); ok {
			// Its monitor was killed in the teardown, after the exit.
			c.State.ExitCode, c.State.FinishedAt, c.State.Error = e.code, e.at, ""
		}
	}
	c.State.Pid, c.State.MonitorPid, c.State.StartTicks = 0, 0, 0
	c.State.Cgroup, c.State.CgroupOwned, c.State.Paused = "", false, false
	err = c.Save()
	unmarkStarting(c)
	unlock()
	if err != nil {
		return err
	}
	if c.Config.Remove {
		if err := removeStorage(env, c); err != nil {
			return err
		}
		removeAnonymousVolumes(env, c)
		return setting.Errorf("%w: %s was removed: its {rm} run was interrupted", ErrContainerUnknown, c.Name)
	}
	return nil
}

// startCgroup is the cgroup directory an interrupted start may have made:
// the recorded one, or the one husk makes in its delegated tree.
func startCgroup(env Env, c *Container) string {
	if c.State.CgroupOwned && c.State.Cgroup != "" {
		return c.State.Cgroup
	}
	if env.Cgroups == nil || !env.Cgroups.Rootless || env.Cgroups.Mount == "" || env.Cgroups.Delegated == "" {
		return ""
	}
	dir := filepath.Join(env.Cgroups.Mount, env.Cgroups.Delegated, "husk-"+c.ID)
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// checkReachable refuses to work on a running container whose user
// namespace this process is not in (nor the parent of, with keep-id): its
// pause process and its monitor were killed together and no new pause
// process could adopt the namespace, so the runtime's setns would fail
// obscurely.
func checkReachable(c *Container) error {
	var own unix.Stat_t
	if err := unix.Stat("/proc/self/ns/user", &own); err != nil {
		return nil
	}
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/user", c.State.Pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err == nil && c.Config.ownUserNS() {
		parent, perr := unix.IoctlRetInt(fd, unix.NS_GET_PARENT)
		unix.Close(fd)
		fd, err = parent, perr
	}
	var theirs unix.Stat_t
	if err == nil {
		err = unix.Fstat(fd, &theirs)
		unix.Close(fd)
	}
	switch {
	case errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH):
		return nil // gone meanwhile: the caller finds out
	case err == nil && theirs.Dev == own.Dev && theirs.Ino == own.Ino:
		return nil
	}
	return fmt.Errorf("container %s runs in a user namespace husk cannot enter any more "+
		"(its monitor and husk's pause process were killed, and no process was left to adopt the namespace from): "+
		"its process %d runs on unmanaged; end it with 'husk rm -f %s'", c.Name, c.State.Pid, c.Name)
}

// teardownWait bounds WaitTeardown: a monitor's teardown takes well under
// a second; one that takes longer is stuck.
const teardownWait = 30 * time.Second

// WaitTeardown waits, before a start of c by the user (who holds its
// start lock), until the teardown of c's last run is over: its monitor,
// or the foreground husk that ran it, records the exit first and then
// removes the network namespace, mounts and cgroup, marked as a start in
// progress (startingFile). A start that did not wait made its network
// namespace under the old teardown, which then removed it. A teardown
// whose process is gone is reconciled instead, as Refresh does. c is
// reloaded when there was one to wait for.
func WaitTeardown(ctx context.Context, env Env, c *Container) error {
	path := filepath.Join(c.Dir, startingFile)
	deadline := time.Now().Add(teardownWait)
	for waited := false; ; waited = true {
		b, err := os.ReadFile(path)
		if err != nil {
			if waited {
				return c.Reload()
			}
			return nil
		}
		if starterGone(c) {
			return reconcileStart(env, c)
		}
		if f := strings.Fields(string(b)); len(f) > 0 && f[0] == strconv.Itoa(os.Getpid()) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("container %s: the teardown of its last run (process %s) has not ended after %v", c.Name, strings.Fields(string(b))[0], teardownWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
