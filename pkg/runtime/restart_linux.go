package runtime

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/events"
)

// Restart policies (--restart), as docker and podman name them. A
// detached container's monitor applies its policy: when the container
// exits, the monitor tears it down, waits the back-off and starts it
// again in the same process (so its MonitorPid stays valid). Husk has no
// daemon, so unless-stopped is always: the difference is only what
// "husk start --all" after a reboot is asked to bring back.
const (
	RestartNo            = "no"
	RestartOnFailure     = "on-failure"
	RestartAlways        = "always"
	RestartUnlessStopped = "unless-stopped"
)

// RestartPolicy is a container's --restart. Name "" is no --restart
// (podman shows it as "", its ps filter as none); MaxRetries, for
// on-failure only, bounds the restarts (0: no bound).
type RestartPolicy struct {
	Name       string `json:"name,omitempty"`
	MaxRetries uint   `json:"maxRetries,omitempty"`
}

// Restarts reports whether the policy ever restarts a container.
func (p RestartPolicy) Restarts() bool { return p.Name != "" && p.Name != RestartNo }

// String is the policy as --restart spells it.
func (p RestartPolicy) String() string {
	if p.Name == RestartOnFailure && p.MaxRetries > 0 {
		return fmt.Sprintf("%s:%d", p.Name, p.MaxRetries)
	}
	return p.Name
}

// restartsAfter reports whether a container that exited with code, after
// count restarts, is restarted.
func (p RestartPolicy) restartsAfter(code, count int) bool {
	switch p.Name {
	case RestartAlways, RestartUnlessStopped:
		return true
	case RestartOnFailure:
		return code != 0 && (p.MaxRetries == 0 || count < int(p.MaxRetries))
	}
	return false
}

// RestartState is what a container's restart policy did.
type RestartState struct {
	// RestartCount is how many times the policy restarted it since the
	// user last started it.
	RestartCount int `json:"restartCount,omitempty"`
	// Restarting: its monitor (MonitorPid) waits the back-off to start
	// it again; the container itself is exited.
	Restarting bool `json:"restarting,omitempty"`
	// RestartDelay is the back-off before the last (or next) restart.
	RestartDelay time.Duration `json:"restartDelay,omitempty"`
	// StoppedByUser: husk stop, kill or rm ended it, which ends the
	// policy until the next start.
	StoppedByUser bool `json:"stoppedByUser,omitempty"`
}

// The back-off between restarts, as docker's: 100 ms at first, doubled
// at each restart in a row, at most a minute, and back to the start once
// the container ran at least 10 s.
const (
	restartDelayFirst = 100 * time.Millisecond
	restartDelayMax   = time.Minute
	restartResetAfter = 10 * time.Second
)

// nextRestartDelay is the back-off after the delay before the last restart
// (0: none yet) and a run that lasted ran.
func nextRestartDelay(prev, ran time.Duration) time.Duration {
	if prev <= 0 || ran >= restartResetAfter {
		return restartDelayFirst
	}
	return min(2*prev, restartDelayMax)
}

// planRestart decides, as the container's exit is recorded by its
// monitor, whether the policy restarts it: the policy and whether the
// user stopped it are read from the record as it is now (update
// --restart, stop and kill write them there meanwhile).
func (s *starter) planRestart(code int, err error) {
	c := s.c
	c.State.Restarting = false
	if !s.stdio.monitored || err != nil || c.Config.Remove {
		return
	}
	disk := &Container{}
	if b, rerr := os.ReadFile(filepath.Join(c.Dir, recordFile)); rerr != nil || unmarshalRecord(b, disk) != nil {
		return
	}
	c.State.StoppedByUser = disk.State.StoppedByUser
	if c.State.StoppedByUser || !disk.Config.Restart.restartsAfter(code, c.State.RestartCount) {
		return
	}
	c.State.Restarting = true
	c.State.RestartDelay = nextRestartDelay(c.State.RestartDelay, s.exitTime.Sub(c.State.StartedAt))
}

// noteRestartOnStart updates the restart state as the container's
// process runs: a start by the policy (which keeps Restarting set until
// then) keeps the count, a user's resets it; either re-arms the policy.
func noteRestartOnStart(c *Container) {
	if !c.State.Restarting {
		c.State.RestartCount, c.State.RestartDelay = 0, 0
	}
	c.State.Restarting, c.State.StoppedByUser = false, false
}

// restartSignals are the signals that end a monitor waiting to restart
// (stopRestarts sends SIGTERM); the C waiter forwards them to the
// container instead while it runs.
func restartSignals() chan os.Signal {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, unix.SIGTERM, unix.SIGINT, unix.SIGHUP)
	return ch
}

// superviseRestarts is the rest of the monitor's life after the container
// exited under it (err: how its run and teardown went): while the policy
// says so, it waits the back-off and starts the container again, handing
// over to the C waiter as Monitor does (then it returns only when that
// fails: in Go, after the next exit). sigs are restartSignals, if caught
// already.
func superviseRestarts(ctx context.Context, env Env, c *Container, err error, sigs chan os.Signal) error {
	if err == nil && c.State.Restarting && sigs == nil {
		sigs = restartSignals()
	}
	if sigs != nil {
		defer signal.Stop(sigs)
	}
	for err == nil && c.State.Restarting && c.State.MonitorPid == os.Getpid() {
		lock, ok := awaitRestart(env, c, sigs)
		if !ok {
			return nil
		}
		signal.Stop(sigs)
		err = monitorOnce(ctx, env, c, &startReporter{startLock: lock})
		signal.Notify(sigs, unix.SIGTERM, unix.SIGINT, unix.SIGHUP)
	}
	if err != nil {
		endRestarting(c, err)
	}
	return err
}

// awaitRestart waits the back-off, then takes the start lock and checks
// that the restart still stands (nobody stopped, removed or started the
// container meanwhile). It returns the lock, for the start to hold until
// the container runs.
func awaitRestart(env Env, c *Container, sigs chan os.Signal) (*os.File, bool) {
	select {
	case <-sigs:
		return nil, false
	case <-time.After(c.State.RestartDelay):
	}
	lock, err := startLockOrSignal(c, sigs)
	if err != nil {
		return nil, false
	}
	if err := c.Reload(); err != nil || c.State.Status != StatusExited || !c.State.Restarting ||
		c.State.MonitorPid != os.Getpid() || c.State.StoppedByUser {
		lock.Close()
		return nil, false
	}
	c.State.RestartCount++
	if err := c.SaveState(); err != nil {
		lock.Close()
		logrus.Warnf("%v", err)
		return nil, false
	}
	RecordEvent(env, c, events.Restart)
	return lock, true
}

// startLockOrSignal takes the container's start lock, unless one of sigs
// comes first (a start by the user holds the lock while it makes this
// monitor step aside: StepAsideRestart).
func startLockOrSignal(c *Container, sigs chan os.Signal) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(c.Dir, "start.lock"), os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if err != unix.EWOULDBLOCK && err != unix.EINTR {
			f.Close()
			return nil, err
		}
		select {
		case <-sigs:
			f.Close()
			return nil, fmt.Errorf("signalled")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// StepAsideRestart makes a monitor that waits to restart the container
// end, for a start by the user, who holds the start lock: the new start
// does not race that monitor's teardown or restart.
func StepAsideRestart(c *Container) error {
	if !c.State.Restarting {
		return nil
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	err = c.Reload()
	mon := c.State.MonitorPid
	waiting := err == nil && c.State.Restarting && c.State.Status != StatusRunning
	if waiting {
		c.State.Restarting, c.State.MonitorPid = false, 0
		err = c.Save()
	}
	unlock()
	if err == nil && waiting {
		endMonitor(mon)
	}
	return err
}

// endMonitor ends a monitor that waits to restart its container.
func endMonitor(pid int) {
	if pid <= 0 || pid == os.Getpid() {
		return
	}
	if ticks := procStartTicks(pid); ticks != 0 {
		_ = unix.Kill(pid, unix.SIGTERM)
		waitMonitorDone(pid, ticks, 10*time.Second)
	}
}

// endRestarting records that the monitor gave up restarting the
// container (its start failed, or its teardown).
func endRestarting(c *Container, cause error) {
	unlock, err := c.Lock()
	if err != nil {
		return
	}
	defer unlock()
	if c.Reload() != nil || c.State.MonitorPid != os.Getpid() || c.State.Status == StatusRunning {
		return
	}
	c.State.Restarting, c.State.MonitorPid = false, 0
	c.State.Error = fmt.Sprintf("restart policy %s: %v", c.Config.Restart, cause)
	_ = c.Save()
}

// stopRestarts ends the restart policy of a container the user stops,
// kills or removes: the record says so for its monitor (which does not
// restart it after this exit), and a monitor waiting in the back-off
// ends. It reports whether such a monitor ended.
func stopRestarts(c *Container) (bool, error) {
	if !c.Config.Restart.Restarts() && !c.State.Restarting {
		return false, nil
	}
	// Under the start lock, a monitor that restarts the container has
	// either not begun (it checks the record after taking the lock) or
	// the container runs.
	lock, err := c.StartLockFile()
	if err != nil {
		return false, err
	}
	unlock, err := c.Lock()
	if err != nil {
		lock.Close()
		return false, err
	}
	err = c.Reload()
	mon := c.State.MonitorPid
	waiting := err == nil && c.State.Restarting && c.State.Status != StatusRunning
	if err == nil {
		c.State.StoppedByUser = true
		if waiting {
			c.State.Restarting, c.State.MonitorPid = false, 0
		}
		err = c.Save()
	}
	unlock()
	lock.Close()
	if err != nil || !waiting {
		return false, err
	}
	endMonitor(mon)
	return true, nil
}

// clearStaleRestart corrects the record of a container whose monitor
// died while it waited to restart it.
func clearStaleRestart(c *Container) error {
	if !c.State.Restarting || c.State.Status == StatusRunning || monitorAlive(c) {
		return nil
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.Reload(); err != nil || !c.State.Restarting || c.State.Status == StatusRunning || monitorAlive(c) {
		return err
	}
	c.State.Restarting, c.State.MonitorPid = false, 0
	return c.Save()
}

// SetRestartPolicy changes the container's restart policy (update
// --restart); a running container's monitor applies it at the next exit.
func SetRestartPolicy(c *Container, p RestartPolicy) error {
	if p.Restarts() && c.Config.Remove {
		return setting.Errorf("container %s is removed when it exits ({rm}): it cannot have restart policy %s", c.Name, p)
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.Reload(); err != nil {
		return err
	}
	c.Config.Restart = p
	return c.Save()
}
