package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/internal/proc"

	"golang.org/x/sys/unix"
)

// Lock takes the container's lock: commands on the same container run one
// at a time; commands on different containers never wait for each other.
// A command told to stop while it waits gives up (ErrInterrupted).
func (c *Container) Lock() (func(), error) {
	f, err := os.OpenFile(filepath.Join(c.Dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock container %s: %w", c.Name, err)
	}
	if err := flockWait(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock container %s: %w", c.Name, err)
	}
	return func() { f.Close() }, nil
}

// StartLock serializes starting the container: a second start waits and
// then finds it running. It is separate from Lock, which the starting
// monitor itself takes to record the state.
func (c *Container) StartLock() (func(), error) {
	f, err := c.StartLockFile()
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}

// StartLockFile is StartLock as the locked file, which a monitor can
// share (SpawnMonitor); closing it releases the lock.
func (c *Container) StartLockFile() (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(c.Dir, "start.lock"), os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock container %s: %w", c.Name, err)
	}
	if err := flockWait(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock container %s: %w", c.Name, err)
	}
	return f, nil
}

// SaveState records the state under the container's lock, keeping the
// configuration as it is on disk (a rename may have changed it meanwhile).
func (c *Container) SaveState() error {
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if b, err := os.ReadFile(filepath.Join(c.Dir, recordFile)); err == nil {
		disk := &Container{}
		if unmarshalRecord(b, disk) == nil {
			c.Config = disk.Config
			if disk.Config.Name != "" {
				c.Name = disk.Config.Name
			}
		}
	}
	return c.Save()
}

// Reload reads the container's record again.
func (c *Container) Reload() error {
	b, err := os.ReadFile(filepath.Join(c.Dir, recordFile))
	if err != nil {
		return fmt.Errorf("read container %s: %w", c.Name, err)
	}
	fresh := &Container{}
	if err := unmarshalRecord(b, fresh); err != nil {
		return fmt.Errorf("parse container %s: %w", c.Name, err)
	}
	c.Config, c.State = fresh.Config, fresh.State
	return nil
}

// procStartTicks reads a process's start time; 0 when it is gone or a
// zombie.
func procStartTicks(pid int) uint64 { return proc.StartTicks(pid) }

// Alive reports whether the container's init process still runs.
func (c *Container) Alive() bool {
	if c.State.Status != StatusRunning || c.State.Pid <= 0 {
		return false
	}
	t := procStartTicks(c.State.Pid)
	return t != 0 && (c.State.StartTicks == 0 || t == c.State.StartTicks)
}

func monitorAlive(c *Container) bool {
	return c.State.MonitorPid > 0 && procStartTicks(c.State.MonitorPid) != 0
}

// Refresh makes the record tell the truth after faults: a container whose
// process is gone and whose monitor is gone too (killed, or the run root
// was wiped by a reboot) is marked exited, and its mount released.
func Refresh(env Env, c *Container) error {
	if starterGone(c) {
		return reconcileStart(env, c)
	}
	if c.State.Status != StatusRunning {
		return clearStaleRestart(c)
	}
	if c.Alive() {
		return nil
	}
	// The monitor records the exit itself; give it time: its C waiter
	// drains the output (up to 2 s) and starts husk to do that.
	for i := 0; i < 500 && monitorAlive(c); i++ {
		time.Sleep(20 * time.Millisecond)
		if err := c.Reload(); err != nil {
			return err
		}
		if c.State.Status != StatusRunning {
			return nil
		}
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.Reload(); err != nil || c.State.Status != StatusRunning || c.Alive() {
		return err
	}
	c.State.Status, c.State.FinishedAt = StatusExited, time.Now().UTC()
	c.State.ExitCode, c.State.Error = -1, unknownExit
	if e, ok := readExit(c); ok {
		// The monitor was killed after its C waiter recorded the exit.
		c.State.ExitCode, c.State.FinishedAt, c.State.Error = e.code, e.at, ""
	}
	c.State.Pid, c.State.MonitorPid = 0, 0
	deleteFromRuntimes(context.Background(), env, c)
	if c.State.CgroupOwned {
		_ = cgroups.Kill(c.State.Cgroup)
		_ = cgroups.Remove(c.State.Cgroup)
	}
	c.State.Cgroup, c.State.CgroupOwned, c.State.Paused = "", false, false
	_ = netns.Detach(netRunDir(env), c.ID)
	unmountImages(env, c)
	_, _ = env.Store.Unmount(c.ID, true)
	if err := c.Save(); err != nil {
		return err
	}
	// What the monitor would have recorded, late.
	recordEvent(env, c, events.Died, events.ExitCode(c.State.ExitCode))
	RecordEvent(env, c, events.Cleanup)
	if c.Config.Remove {
		// Its --rm run (or monitor) is gone: remove it as that would have.
		recordExit(env, c)
		if err := removeStorage(env, c); err != nil {
			return err
		}
		removeAnonymousVolumes(env, c)
		RecordEvent(env, c, events.Remove)
		return setting.Errorf("%w: %s was removed: its {rm} run ended without its process", ErrContainerUnknown, c.Name)
	}
	return nil
}

// ParseSignal accepts "TERM", "SIGTERM" or "15".
func ParseSignal(s string) (syscall.Signal, error) {
	if s == "" {
		return syscall.SIGTERM, nil
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 65 {
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(strings.TrimPrefix(strings.ToUpper(s), "SIG"))
	if sig := unix.SignalNum("SIG" + name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

// ErrNotRunning is returned for operations that need a running container.
var ErrNotRunning = errors.New("container is not running")

// Kill sends sig to the container's init process.
func Kill(env Env, c *Container, sig syscall.Signal) error {
	if err := Refresh(env, c); err != nil {
		return err
	}
	// Killed by the user, it stays stopped, as podman's.
	if ended, err := stopRestarts(c); err != nil || (ended && !c.Alive()) {
		return err
	}
	if !c.Alive() {
		return fmt.Errorf("%w: %s", ErrNotRunning, c.Name)
	}
	// Recorded before the signal, so that it comes before the "died"
	// the container's monitor records.
	RecordEvent(env, c, events.Kill)
	if err := unix.Kill(c.State.Pid, sig); err != nil {
		return fmt.Errorf("signal container %s: %w", c.Name, err)
	}
	return nil
}

// WaitExit waits until the container is no longer running (its monitor
// recorded the exit, or its C waiter the exit code) or ctx ends, and
// returns the exit code.
func WaitExit(ctx context.Context, env Env, c *Container) (int, error) {
	return waitExit(ctx, env, c, true)
}

// waitExit is WaitExit; without early it waits until the record says the
// container exited, not only the exit file (the monitor's teardown has
// then begun, as a remove that follows expects).
func waitExit(ctx context.Context, env Env, c *Container, early bool) (int, error) {
	for {
		if err := c.Reload(); err != nil {
			// A --rm container's monitor removed it on exit: what it
			// recorded last is all there is.
			if _, serr := env.Store.Container(c.ID); serr != nil {
				for i := 0; i < 50; i++ {
					if code, ok := removedExit(env, c.ID); ok {
						return code, nil
					}
					time.Sleep(20 * time.Millisecond)
				}
				return 0, fmt.Errorf("container %s was removed and left no exit code", c.Name)
			}
			return 0, err
		}
		if c.State.Status != StatusRunning {
			return c.State.ExitCode, nil
		}
		if e, ok := readExit(c); ok && early {
			// Recorded by the monitor's C waiter: the teardown need not
			// be waited for.
			return e.code, nil
		}
		if !c.Alive() && !monitorAlive(c) {
			if err := Refresh(env, c); err != nil && !errors.Is(err, ErrContainerUnknown) {
				return 0, err
			}
			continue
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Stop sends the stop signal (the image's STOPSIGNAL, else SIGTERM), waits
// up to timeout, then kills the container with SIGKILL.
func Stop(ctx context.Context, env Env, c *Container, timeout time.Duration) error {
	if err := Refresh(env, c); err != nil {
		return err
	}
	// Stopped by the user, it stays stopped (also when it was waiting
	// to restart).
	if _, err := stopRestarts(c); err != nil {
		return err
	}
	if !c.Alive() {
		return nil // stopping a stopped container is not an error
	}
	sig, err := ParseSignal(c.Config.StopSignal)
	if err != nil {
		sig = syscall.SIGTERM
	}
	// Recorded before the signal, as Kill's.
	RecordEvent(env, c, events.Stop)
	_ = unix.Kill(c.State.Pid, sig)
	if c.State.Paused {
		// A frozen container cannot act on the signal: thaw it (as
		// docker does), so that it stops.
		_ = cgroups.Freeze(c.State.Cgroup, false)
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	_, err = WaitExit(wctx, env, c)
	cancel()
	if err == nil {
		return waitRecorded(ctx, env, c)
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil && env.Notices != nil {
		// podman's words, which scripts may look for.
		fmt.Fprintf(env.Notices, "husk: warning: StopSignal %s failed to stop container %s in %d seconds, resorting to SIGKILL\n",
			unix.SignalName(sig), c.Name, int(timeout/time.Second))
	}
	if c.State.Cgroup != "" {
		_ = cgroups.Kill(c.State.Cgroup)
	}
	_ = unix.Kill(c.State.Pid, unix.SIGKILL)
	wctx, cancel = context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := WaitExit(wctx, env, c); err != nil {
		return fmt.Errorf("stop container %s: %w", c.Name, err)
	}
	return waitRecorded(ctx, env, c)
}

// waitRecorded waits, once the container's process exited, until its
// monitor recorded the exit: podman's stop returns with the container
// stopped in its state, and a script's inspect right after must say
// exited (the exit file alone answers sooner, but only WaitExit reads
// it).
func waitRecorded(ctx context.Context, env Env, c *Container) error {
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := waitExit(wctx, env, c, false); err != nil {
		return fmt.Errorf("stop container %s: %w", c.Name, err)
	}
	return nil
}
