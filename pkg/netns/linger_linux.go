package netns

// Linger: the rootless namespace and its pasta stay for a while after the
// last container left, so that the next `run` does not pay for pasta's
// start (35-60 ms) and the default network costs what a bridge costs.
// What waits is `husk __netlinger`, asleep in linger.c before the Go
// runtime starts (about as much memory as the pause process); when it
// wakes it takes the namespace down under the lock unless a container
// came meanwhile (an attach ends the waiter). system reset, network rm
// and prune, and rm -a end it at once (ReleaseUser).

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
func startLinger(runDir string, d time.Duration) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find husk's executable: %w", err)
	}
	cmd := exec.Command(exe, LingerCommand, NetnsPath(runDir, userNetID))
	cmd.Env = append(os.Environ(), childenv.NetLingerSleep+"="+strconv.Itoa(int(d/time.Second)))
	// Own session: a terminal's ^C for a container must not reach it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the network namespace's waiter: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	if err := writePid(filepath.Join(runDir, userNetID, lingerPidFile), cmd.Process.Pid); err != nil {
		_ = cmd.Process.Kill()
		return err
	}
	return nil
}

// stopLinger ends the waiter (not this process, if it is the waiter).
func stopLinger(runDir string) {
	if pid := lingerPid(runDir); pid != 0 && pid != os.Getpid() {
		_ = unix.Kill(pid, unix.SIGTERM)
	}
	_ = os.Remove(filepath.Join(runDir, userNetID, lingerPidFile))
}

// RunLinger is `husk __netlinger RNETNS` once awake: the rootless
// namespace goes unless a container came (its attach ended the waiter,
// or made another one).
func RunLinger(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: " + LingerCommand + " RNETNS")
	}
	runDir := filepath.Dir(filepath.Dir(args[0]))
	statePath := filepath.Join(runDir, userStateFile)
	return withUserLock(runDir, func() error {
		if lingerPid(runDir) != os.Getpid() {
			return nil
		}
		st, err := readUserState(statePath)
		if err != nil {
			return err
		}
		if st.forgetGone(runDir); st.members() > 0 {
			return nil
		}
		return teardownRootless(runDir)
	})
}
