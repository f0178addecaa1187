package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/pkg/runtime/detachkeys"
)

// ExecDrainCommand is the hidden command of husk's binary that runs
// ExecDrain, with the terminal's master as descriptor 3.
const ExecDrainCommand = "__exec-drain"

// waitOrDetach waits for the process, as wait does, unless the user types
// the detach keys on its terminal first: the process then goes on, its
// terminal's master goes to a drainer (spawnDrainer) and the error is
// detachkeys.ErrDetached. Once this process is gone, the process is the
// child of the nearest subreaper above it (or init), which reaps it.
func (l *launch) waitOrDetach(pid int, lio *launchIO) (int, error) {
	if lio.term == nil || len(lio.keys) == 0 || !lio.interactive {
		return wait(pid)
	}
	type exit struct {
		code int
		err  error
	}
	exited := make(chan exit, 1)
	go func() {
		code, err := wait(pid)
		exited <- exit{code, err}
	}()
	select {
	case e := <-exited:
		return e.code, e.err
	case <-lio.term.Detached():
	}
	master := lio.term.Release()
	lio.detachConsole = nil
	if err := spawnDrainer(master); err != nil {
		// Without a reader, the process would block on a full
		// terminal; with the master closed it gets a hangup instead,
		// as when a terminal goes away.
		logrus.Warnf("detach from exec'd process %d: %v: its terminal is closed", pid, err)
	}
	return 0, detachkeys.ErrDetached
}

// spawnDrainer starts husk's ExecDrainCommand on master, in a session of
// its own (the caller's job control and hangup do not reach it), with
// its stdio on /dev/null; it is not waited for.
func spawnDrainer(master *os.File) error {
	cmd := exec.Command("/proc/self/exe", ExecDrainCommand)
	cmd.Args[0] = os.Args[0]
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{master}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the terminal's drainer: %w", err)
	}
	return cmd.Process.Release()
}

// ExecDrain reads master, a detached exec'd process's terminal, and drops
// what it reads, so that the process never blocks on a full terminal and
// keeps it open (no hangup, no EIO). It returns once the process's side
// is closed: EIO (or end of file) when the process and whatever it left
// holding the terminal are gone.
func ExecDrain(master *os.File) error {
	defer master.Close()
	_, err := io.Copy(io.Discard, master)
	if err == nil || errors.Is(err, syscall.EIO) {
		return nil
	}
	return fmt.Errorf("drain the terminal: %w", err)
}
