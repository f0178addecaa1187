package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/runtime/detachkeys"
	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// A launch runs one process of a container through its OCI runtime: the
// container's init (run, start, and a detached container's monitor, see
// Start) or a process exec'd into it (Exec). Both go through the same
// steps:
//
//  1. this process becomes the parent of what it launches and, for the
//     container's init, catches the terminal signals (containerParent);
//  2. the process's stdio is made ready: a terminal through a console
//     socket, or the caller's streams with stderr behind a gate while
//     the runtime may still complain (launchIO);
//  3. create asks the runtime for the process, whose pid comes back in a
//     pid file, and placed checks where it landed (its cgroup);
//  4. the terminal is attached and the signals caught go to the process
//     (an exec'd process's are caught from here on, unless detached);
//  5. created runs while the process waits (state, network), then
//     start lets it run (nil: create started it already) and running is
//     told;
//  6. unless detached, the launch waits for the process (exited is told
//     at once) and drains its output, or leaves both to a drainer when
//     the user types the detach keys (waitOrDetach).
//
// When a step after create fails, the process is killed and reaped.
type launch struct {
	// tty gives the process a terminal; interactive feeds it stdin.
	tty, interactive bool
	// detachKeys, typed on the terminal's input, leave the process
	// running with its terminal drained (waitOrDetach); none when empty.
	detachKeys []byte
	// detach returns as soon as the process runs (exec -d): its output
	// goes nowhere and nobody waits for it here.
	detach bool
	// signalsFromCreate catches the terminal signals from before create
	// (run, start): one that comes while the runtime creates the
	// container must reach the container, not cancel its start. Without
	// it (exec), they are caught once the process runs.
	signalsFromCreate bool
	stdio             Stdio
	// pidFile receives the pid (removed first, if left by an earlier run).
	pidFile string
	// cgroup, when not nil, is the cgroup the process is born in.
	cgroup *os.File

	create func(ctx context.Context, io *launchIO) error
	// placed checks the new process before its terminal is attached;
	// created does what is left to do before it runs.
	placed  func(pid int) error
	created func(pid int) error
	start   func() error
	running func(pid int)
	exited  func()
	// trace notes when a step is done (the debug log's timing lines).
	trace func(what string)
}

// run goes through the steps and returns the process's exit code (128+N
// when killed by signal N; 0 when detached).
func (l *launch) run(ctx context.Context) (int, error) {
	var parent containerParent
	if err := parent.adopt(); err != nil {
		return 0, err
	}
	var fwd *signalForwarder
	if l.signalsFromCreate {
		fwd = parent.catchSignals()
		defer fwd.stop()
	}
	lio, err := l.openIO()
	if err != nil {
		return 0, err
	}
	defer lio.close()
	_ = os.Remove(l.pidFile)
	if err := l.create(ctx, lio); err != nil {
		return classify(err)
	}
	l.note("created")
	pid, err := readPid(l.pidFile)
	if err != nil {
		return 0, err
	}
	if l.placed != nil {
		if err := l.placed(pid); err != nil {
			killAndReap(pid)
			return 0, err
		}
	}
	if err := lio.attachConsole(); err != nil {
		killAndReap(pid)
		return 0, err
	}
	if fwd != nil {
		fwd.to(pid)
	}
	if code, err := l.begin(pid); err != nil {
		lio.abandon()
		return code, err
	}
	if l.detach {
		return 0, nil
	}
	if l.stdio.handover != nil {
		l.stdio.handover(pid, lio.held)
		lio.attachHeld()
	}
	if fwd == nil {
		fwd = parent.catchSignals()
		defer fwd.stop()
		fwd.to(pid)
	}
	code, err := l.waitOrDetach(pid, lio)
	if errors.Is(err, detachkeys.ErrDetached) {
		return 0, err
	}
	l.note("exited")
	if l.exited != nil {
		l.exited()
	}
	lio.finish()
	l.note("drained")
	return code, err
}

// begin takes the created process to running; when that fails, it is
// killed and reaped.
func (l *launch) begin(pid int) (int, error) {
	if l.created != nil {
		if err := l.created(pid); err != nil {
			killAndReap(pid)
			return 0, err
		}
	}
	if l.start != nil {
		if err := l.start(); err != nil {
			killAndReap(pid)
			return classify(err)
		}
	}
	if l.running != nil {
		l.running(pid)
	}
	l.note("started")
	return 0, nil
}

func (l *launch) note(what string) {
	if l.trace != nil {
		l.trace(what)
	}
}

// openIO prepares the process's stdio: a console socket for a terminal,
// else the caller's streams (stdin only when interactive; nothing at all
// when detached).
func (l *launch) openIO() (*launchIO, error) {
	lio := &launchIO{base: oci.IO{PidFile: l.pidFile, CgroupFD: l.cgroup, ExtraFiles: l.stdio.ExtraFiles}, stdio: l.stdio, interactive: l.interactive, detach: l.detach, keys: l.detachKeys}
	switch {
	case l.tty:
		lio.tty = true
	case !l.detach:
		if l.interactive {
			lio.base.Stdin = l.stdio.Stdin
		}
		lio.base.Stdout, lio.stderr = l.stdio.Stdout, l.stdio.Stderr
	}
	return lio, nil
}

// launchIO is the stdio of the process a launch creates.
type launchIO struct {
	base        oci.IO
	stdio       Stdio
	interactive bool
	detach      bool
	// stderr goes through gate: a new one for every attempt to create.
	stderr io.Writer
	gate   *oci.StderrGate
	// tty: each attempt's console receives the terminal's master on
	// master.
	tty     bool
	console *oci.ConsoleSocket
	master  chan *os.File
	// keys are the detach keys of term, the terminal attached.
	keys []byte
	term *oci.Console
	// detachConsole ends the terminal's copying once the process is gone.
	detachConsole func()
	// held is the terminal's master kept for a handover (attachHeld).
	held *os.File
}

// attempt returns the IO for one runtime call that makes the process.
// Each attempt gets a console socket of its own: a runtime that failed
// may have taken the last one's connection (crun on a host it cannot
// run containers on, before husk falls back to runc).
func (lio *launchIO) attempt() (oci.IO, error) {
	o := lio.base
	if lio.tty {
		lio.close()
		c, err := oci.NewConsoleSocket()
		if err != nil {
			return o, err
		}
		master := make(chan *os.File, 1)
		lio.console, lio.master, o.ConsoleSocket = c, master, c.Path()
		go func() {
			if m, err := c.Receive(); err == nil {
				master <- m
			}
			close(master)
		}()
	}
	if lio.stdio.heldStderr != nil {
		o.Stderr = lio.stderr // read only if the attempt fails
	} else if lio.stderr != nil {
		g, err := oci.NewStderrGate(lio.stderr)
		if err != nil {
			return o, fmt.Errorf("stderr pipe: %w", err)
		}
		lio.gate, o.Stderr = g, g.Writer()
	}
	return o, nil
}

// made opens the gate: the process exists, what comes now is its own.
func (lio *launchIO) made() {
	if lio.gate != nil {
		lio.gate.Release()
	}
}

// failed returns what the runtime wrote to stderr during the attempt that
// failed ("" if nothing), and drops its gate.
func (lio *launchIO) failed() string {
	if lio.stdio.heldStderr != nil {
		return oci.Message(readHeld(lio.stdio.heldStderr))
	}
	if lio.gate == nil {
		return ""
	}
	held := lio.gate.Failed()
	lio.gate = nil
	return held
}

// attachConsole waits for the terminal the runtime made (the runtime has
// sent it before create returned) and connects it to the caller's
// terminal; a detached process's is closed.
func (lio *launchIO) attachConsole() error {
	if lio.console == nil {
		return nil
	}
	select {
	case m, ok := <-lio.master:
		if !ok {
			return fmt.Errorf("the runtime sent no terminal")
		}
		if lio.detach {
			m.Close()
			return nil
		}
		if lio.stdio.handover != nil {
			lio.held = m
			if ws := lio.stdio.winsize; ws != nil {
				_ = unix.IoctlSetWinsize(int(m.Fd()), unix.TIOCSWINSZ, ws)
			}
			return nil
		}
		lio.term = oci.NewConsole(m, oci.ConsoleIO{Stdin: lio.stdio.Stdin, Stdout: lio.stdio.Stdout, Interactive: lio.interactive, DetachKeys: lio.keys})
		lio.detachConsole = lio.term.Finish
		return nil
	case <-time.After(5 * time.Second):
		return fmt.Errorf("the runtime sent no terminal")
	}
}

// attachHeld attaches a terminal held for a handover that did not
// happen.
func (lio *launchIO) attachHeld() {
	if lio.held != nil {
		lio.detachConsole = oci.AttachConsole(lio.held, lio.stdio.Stdin, lio.stdio.Stdout, lio.interactive)
		lio.held = nil
	}
}

// readHeld reads what a failed create left in a held stderr pipe, without
// waiting: the runtime has exited.
func readHeld(f *os.File) string {
	rc, err := f.SyscallConn()
	if err != nil {
		return ""
	}
	var b []byte
	buf := make([]byte, 16*1024)
	_ = rc.Read(func(fd uintptr) bool {
		for len(b) < 64*1024 {
			n, err := unix.Read(int(fd), buf)
			if n <= 0 || err != nil {
				break
			}
			b = append(b, buf[:n]...)
		}
		return true
	})
	return string(b)
}

// finish waits for the process's output to reach the caller: the
// terminal's copying ends, stderr drains (not forever: a daemon the
// container left behind may hold it open).
func (lio *launchIO) finish() {
	if lio.detachConsole != nil {
		lio.detachConsole()
		lio.detachConsole = nil
	}
	if lio.gate != nil {
		lio.gate.Drain(time.Second)
	}
}

// abandon is finish for a process killed before it ran: its output is
// not waited for (nor is the terminal restored: the copy from it could
// block).
func (lio *launchIO) abandon() { lio.detachConsole = nil }

func (lio *launchIO) close() {
	if lio.console != nil {
		_ = lio.console.Close()
	}
	select {
	case m, ok := <-lio.master: // a failed attempt's terminal
		if ok {
			m.Close()
		}
	default:
	}
}

// killAndReap ends a process this process launched, and reaps it.
func killAndReap(pid int) {
	_ = unix.Kill(pid, unix.SIGKILL)
	_, _ = wait(pid)
}

// wait reaps pid and returns its exit code (128+N when killed by N).
func wait(pid int) (int, error) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("wait for container process %d: %w", pid, err)
		}
		break
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ws.ExitStatus(), nil
}

func readPid(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read container pid: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("read container pid: bad pid file %q", b)
	}
	return pid, nil
}

// classify marks runtime errors about the command with ErrCommandNotFound
// or ErrCannotInvoke; the command maps those to exit codes (127, 126).
func classify(err error) (int, error) {
	return 0, oci.Classify(err)
}
