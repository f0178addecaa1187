package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/childenv"
)

// An attached monitor is the monitor of a container whose terminal the
// command that started it shows (run -it, start -a on a container with a
// terminal), as podman's run attaches to conmon: the container is the
// monitor's, so the command can detach and leave it running.
//
// The command and the monitor share a connection (a socket pair). Once
// the container runs, the monitor sends the terminal's master over it;
// the command reads the container's output from the master and writes
// its input to it, while the monitor's waiter leaves the master alone.
// When the command goes (it detached, or was killed), the connection
// ends and the waiter logs the output from then on, as for any detached
// container. When the container exits first, the waiter writes its exit
// code on the connection ("CODE\n"), closes it and exits: the command
// does the teardown (Finish), with the store it has open, instead of a
// husk executed once more.

// AttachedMonitor is the command's side of an attached monitor.
type AttachedMonitor struct {
	conn *os.File
	cmd  *exec.Cmd
}

// SpawnAttachedMonitor is SpawnMonitor for a command that shows the
// container's terminal itself (see above) on term (nil: stdin is not a
// terminal), whose size the container's gets before it starts. c must
// have a terminal.
func SpawnAttachedMonitor(c *Container, argv []string, startLock, term *os.File) (*AttachedMonitor, error) {
	var env []string
	if term != nil {
		if ws, err := unix.IoctlGetWinsize(int(term.Fd()), unix.TIOCGWINSZ); err == nil {
			env = append(env, fmt.Sprintf("%s=%d %d", childenv.MonitorWinsize, ws.Row, ws.Col))
		}
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("monitor connection: %w", err)
	}
	mine, theirs := os.NewFile(uintptr(fds[0]), "attach"), os.NewFile(uintptr(fds[1]), "attach")
	cmd, err := spawnMonitor(c, argv, startLock, theirs, env...)
	theirs.Close()
	if err != nil {
		mine.Close()
		return nil, err
	}
	return &AttachedMonitor{conn: mine, cmd: cmd}, nil
}

// Terminal returns the container's terminal master, which the monitor
// sends once the container runs. It is nil when the monitor kept it (it
// waits in Go): the caller then follows the container as husk attach
// does.
func (m *AttachedMonitor) Terminal() (*os.File, error) {
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(4))
	for {
		n, oobn, _, _, err := unix.Recvmsg(int(m.conn.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("receive the container's terminal: %w", err)
		}
		if n == 0 {
			return nil, nil
		}
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil || len(msgs) != 1 {
			return nil, errors.New("receive the container's terminal: no descriptor came")
		}
		fds, err := unix.ParseUnixRights(&msgs[0])
		if err != nil || len(fds) != 1 {
			for _, fd := range fds {
				unix.Close(fd)
			}
			return nil, errors.New("receive the container's terminal: no descriptor came")
		}
		// Non-blocking before it becomes a File, so that Go polls it:
		// the monitor's waiter makes the (shared) open file non-blocking
		// anyway.
		if err := unix.SetNonblock(fds[0], true); err != nil {
			unix.Close(fds[0])
			return nil, fmt.Errorf("receive the container's terminal: %w", err)
		}
		return os.NewFile(uintptr(fds[0]), "tty-master"), nil
	}
}

// Signal sends sig to the container through its monitor, which passes
// the terminal signals on.
func (m *AttachedMonitor) Signal(sig os.Signal) {
	if s, ok := sig.(syscall.Signal); ok {
		_ = m.cmd.Process.Signal(s)
	}
}

// Wait returns the container's exit code once it exited, and waits until
// the monitor is gone. ok is false when the monitor could not tell the
// code (it then did the teardown itself).
func (m *AttachedMonitor) Wait() (code int, ok bool) {
	b := make([]byte, 32)
	n := 0
	for n < len(b) {
		k, err := m.conn.Read(b[n:])
		n += k
		if err != nil {
			break
		}
	}
	m.conn.Close()
	_ = m.cmd.Wait()
	code, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	return code, err == nil
}

// Finish does the teardown of c (with --rm, its removal) once Wait told
// its exit code: the waiter then leaves it to this command, which has the
// store open already, rather than executing husk once more for it. When
// this command is killed first, the next command's Refresh cleans up
// with the recorded code.
func (m *AttachedMonitor) Finish(ctx context.Context, env Env, c *Container) error {
	if err := c.Reload(); err != nil {
		return err
	}
	if c.State.Status != StatusRunning || c.State.MonitorPid != m.cmd.Process.Pid {
		return nil // cleaned up otherwise
	}
	return finishExited(ctx, env, c)
}

// Leave lets the container go on with its monitor alone (detach).
func (m *AttachedMonitor) Leave() {
	m.conn.Close()
	_ = m.cmd.Process.Release()
}

// sendTerminal sends the terminal's master on the attach connection and
// returns the connection for the waiter; without a master (no terminal)
// or when it cannot be sent, the connection is closed (nil): the command
// follows the container otherwise.
func sendTerminal(attach, master *os.File) *os.File {
	if attach == nil {
		return nil
	}
	if master != nil {
		rights := unix.UnixRights(int(master.Fd()))
		if err := unix.Sendmsg(int(attach.Fd()), []byte{'t'}, rights, nil, 0); err == nil {
			return attach
		}
	}
	attach.Close()
	return nil
}

// closeAttach closes an attach connection left to no one.
func closeAttach(attach *os.File) {
	if attach != nil {
		attach.Close()
	}
}
