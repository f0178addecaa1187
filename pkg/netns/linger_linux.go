package netns

// Linger: the rootless namespace and its pasta stay for a while after the
// last container left, so that the next `run` does not pay for pasta's
// start (35-60 ms) and the default network costs what a bridge costs.
// What waits is `husk __netlinger`, asleep in linger.c before the Go
// runtime starts (about as much memory as the pause process). Each time
// the last container leaves, the state's IdleUntil moves on; the waiter
// is started only when none sleeps (or one sleeps past the new end), so
// a run of `run --rm` pays for no process start. When it wakes it takes
// the namespace down under the lock if the time is up and no container
// is there, sleeps again for the rest of the time if it is not, and ends
// if containers run (the last of them starts a new one). system reset,
// network rm and prune, and rm -a end it at once (ReleaseUser).

import "C"

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/husk-dev/husk/internal/childenv"
	"golang.org/x/sys/unix"
)

const (
	// LingerCommand is the hidden husk command of the waiter.
	LingerCommand = "__netlinger"
	lingerPidFile = "linger.pid" // in RUNDIR/usernet
	// DefaultLinger is how long the rootless namespace stays after its
	// last container, unless childenv.NetLinger says otherwise.
	DefaultLinger = 60 * time.Second
)

// lingerTime is childenv.NetLinger (whole seconds, 0 for none), else
// DefaultLinger.
func lingerTime() time.Duration {
	if v := os.Getenv(childenv.NetLinger); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
	}
	return DefaultLinger
}

// lingerPid is the waiter's pid (0 when none).
func lingerPid(runDir string) int {
	dir := filepath.Join(runDir, userNetID)
	pid, err := readPid(filepath.Join(dir, lingerPidFile))
	if err != nil || !isHelper(pid, filepath.Join(dir, nsFile)) {
		return 0
	}
	return pid
}

// startLinger starts the waiter, with the lock held and no member left.
func startLinger(runDir string, d time.Duration, cgroup string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find husk's executable: %w", err)
	}
	cmd := exec.Command(exe, LingerCommand, NetnsPath(runDir, userNetID))
	cmd.Env = append(os.Environ(), childenv.NetLingerSleep+"="+strconv.Itoa(int(d/time.Second)))
	// Own session: a terminal's ^C for a container must not reach it.
	if err := startIn(cmd, cgroup); err != nil {
		return fmt.Errorf("start the network namespace's waiter: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	if err := writePid(filepath.Join(runDir, userNetID, lingerPidFile), cmd.Process.Pid); err != nil {
		_ = cmd.Process.Kill()
		return err
	}
	return nil
}

// linger records when the memberless rootless namespace goes (now + d)
// and has a waiter sleep until then, with the lock held; the caller
// writes st.
func linger(runDir string, st *userState, d time.Duration) error {
	until := time.Now().Add(d).UnixNano()
	st.IdleUntil = until
	if lingerPid(runDir) != 0 && st.WakeAt != 0 && st.WakeAt <= until {
		return nil // it wakes first, and sleeps on for the rest
	}
	stopLinger(runDir)
	st.WakeAt = until
	return startLinger(runDir, d, st.Cgroup)
}

// stopLinger ends the waiter (not this process, if it is the waiter).
func stopLinger(runDir string) {
	if pid := lingerPid(runDir); pid != 0 && pid != os.Getpid() {
		_ = unix.Kill(pid, unix.SIGTERM)
	}
	_ = os.Remove(filepath.Join(runDir, userNetID, lingerPidFile))
}

// RunLinger is `husk __netlinger RNETNS` once awake: the rootless
// namespace goes if its time is up and no container came; while
// containers run the waiter ends; otherwise it sleeps again for the rest
// of the time (the same process: its pid stays the recorded one).
func RunLinger(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: " + LingerCommand + " RNETNS")
	}
	runDir := filepath.Dir(filepath.Dir(args[0]))
	statePath := filepath.Join(runDir, userStateFile)
	var rest time.Duration
	err := withUserLock(runDir, func() error {
		if lingerPid(runDir) != os.Getpid() {
			return nil
		}
		st, err := readUserState(statePath)
		if err != nil {
			return err
		}
		if st.forgetGone(runDir); st.members() > 0 {
			st.WakeAt = 0
			_ = os.Remove(filepath.Join(runDir, userNetID, lingerPidFile))
			return st.write(statePath)
		}
		if rest = time.Until(time.Unix(0, st.IdleUntil)); rest <= 0 {
			return teardownRootless(runDir)
		}
		rest = rest.Truncate(time.Second) + time.Second
		st.WakeAt = time.Now().Add(rest).UnixNano()
		return st.write(statePath)
	})
	if err != nil || rest <= 0 {
		return err
	}
	// Asleep again in linger.c; the lock's descriptor is close-on-exec.
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	env := append(os.Environ(), childenv.NetLingerSleep+"="+strconv.Itoa(int(rest/time.Second)))
	return syscall.Exec(exe, append([]string{exe, LingerCommand}, args...), env)
}
