package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/internal/childenv"
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/netns"
	"golang.org/x/sys/unix"
)

// A detached container's parent is its monitor: husk executed again as
// "husk __monitor ID" in a session of its own. It starts the container with
// its output going to the container log, tells the command that spawned
// it whether the start worked, waits, records the exit code and time, and
// cleans up (unmount; everything with --rm) whether or not any other husk
// command runs. It is not a daemon: one per running container, gone when
// the container is.

const envMonitorReady = childenv.MonitorReadyFD

// envMonitorLock names the monitor's descriptor of the container's start
// lock, shared with the command that started it: another start waits
// until the container runs, even if that command is killed meanwhile.
const envMonitorLock = childenv.MonitorLockFD

// startFailure is why a detached container did not start, as its monitor
// reported it: the error's text with the settings it names (see
// internal/setting) and, for a command that was not found or cannot be
// invoked, ErrCommandNotFound or ErrCannotInvoke for errors.Is.
type startFailure struct {
	class error
	err   error
}

func (e *startFailure) Error() string { return e.err.Error() }

func (e *startFailure) Unwrap() []error {
	if e.class == nil {
		return []error{e.err}
	}
	return []error{e.class, e.err}
}

// The monitor's report on its ready pipe: "0" when the container runs,
// else a class and the encoded error (setting.Encode).
const (
	reportError        = "error"
	reportNotFound     = "not-found"
	reportCannotInvoke = "cannot-invoke"
	reportPortInUse    = "port-in-use"
	reportPortPriv     = "port-privileged"
)

// encodeFailure is the monitor's report of err.
func encodeFailure(err error) string {
	class := reportError
	switch {
	case errors.Is(err, ErrCommandNotFound):
		class = reportNotFound
	case errors.Is(err, ErrCannotInvoke):
		class = reportCannotInvoke
	case errors.Is(err, netns.ErrPortInUse):
		class = reportPortInUse
	case errors.Is(err, netns.ErrPrivilegedPort):
		class = reportPortPriv
	}
	return class + " " + setting.Encode(err)
}

// decodeFailure reads a report back; ok is false when it is not one.
func decodeFailure(msg string) (err error, ok bool) {
	class, text, ok := strings.Cut(msg, " ")
	if !ok {
		return nil, false
	}
	f := &startFailure{err: setting.Decode(text)}
	switch class {
	case reportNotFound:
		f.class = ErrCommandNotFound
	case reportCannotInvoke:
		f.class = ErrCannotInvoke
	case reportPortInUse:
		f.class = netns.ErrPortInUse
	case reportPortPriv:
		f.class = netns.ErrPrivilegedPort
	case reportError:
	default:
		return nil, false
	}
	return f, true
}

// SpawnMonitor starts the monitor for c with argv (husk's own arguments,
// ending in "__monitor ID") and waits until the container runs or failed
// to start. startLock is the container's start lock, held by the caller
// (StartLockFile); the monitor holds it too until the container runs.
func SpawnMonitor(c *Container, argv []string, startLock *os.File) error {
	cmd, err := spawnMonitor(c, argv, startLock, nil)
	if err != nil {
		return err
	}
	return cmd.Process.Release()
}

// spawnMonitor is SpawnMonitor, passing attach (when not nil) to the
// monitor as its attach connection; the monitor is not released.
func spawnMonitor(c *Container, argv []string, startLock, attach *os.File, env ...string) (*exec.Cmd, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("monitor pipe: %w", err)
	}
	defer r.Close()
	cmd := exec.Command("/proc/self/exe", argv...)
	cmd.Args[0] = os.Args[0]
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{w}
	cmd.Env = append(append(os.Environ(), env...), envMonitorReady+"=3")
	for _, f := range []struct {
		file *os.File
		env  string
	}{{startLock, envMonitorLock}, {attach, childenv.MonitorAttachFD}} {
		if f.file != nil {
			cmd.ExtraFiles = append(cmd.ExtraFiles, f.file)
			cmd.Env = append(cmd.Env, f.env+"="+strconv.Itoa(2+len(cmd.ExtraFiles)))
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return nil, fmt.Errorf("start monitor: %w", err)
	}
	// The start in progress is the monitor's from now on: this process may
	// go without the start being taken for interrupted.
	handOverStart(c, cmd.Process.Pid)
	b, _ := io.ReadAll(io.LimitReader(r, 64*1024))
	msg := strings.TrimSpace(string(b))
	if msg == "0" {
		return cmd, nil
	}
	_ = cmd.Wait()
	if err, ok := decodeFailure(msg); ok {
		return nil, err
	}
	return nil, fmt.Errorf("the monitor of container %s exited before starting it", c.Name)
}

// Monitor is the body of "husk __monitor": start c detached and stay with
// it until it exits. Once the container runs, the monitor executes itself
// into the C waiter (internal/monwait), which waits with no Go runtime and
// executes husk again for the teardown (FinishMonitor); when that exec
// fails, in a program without the waiter (env.MonitorWaiter) or with
// HUSK_MONITOR_GO set, the monitor waits here in Go.
func Monitor(ctx context.Context, env Env, c *Container) error {
	// The user's start, not the restart policy's (superviseRestarts).
	c.State.Restarting = false
	err := monitorOnce(ctx, env, c, inheritedReporter())
	// In Go: the container exited (and its policy may restart it).
	return superviseRestarts(ctx, env, c, err, nil)
}

// monitorOnce starts c and hands it over to the C waiter; r is told how
// the start went. It returns when the start failed, or in Go after the
// container exited.
func monitorOnce(ctx context.Context, env Env, c *Container, r *startReporter) error {
	out, err := openMonitorOutput(c)
	if err != nil {
		r.report(err)
		return err
	}
	defer out.close()
	// With -i, the monitor keeps the container's stdin and feeds it what
	// "husk attach" sends over a socket.
	in, err := openMonitorInput(c, env.RuntimeDir)
	if err != nil {
		r.report(err)
		return err
	}
	defer in.stop()
	c.State.MonitorPid = os.Getpid()
	_ = os.Remove(exitFile(c))
	var reaper *orphanReaper
	defer func() { reaper.stop() }()
	var checks *HealthChecks
	stdio := Stdio{Stdin: in.reader(), Stdout: out.stdoutW, Stderr: out.stderrW, monitored: true, winsize: r.winsize}
	attached := r.takeAttach()
	defer func() { closeAttach(attached) }()
	if !env.MonitorWaiter || os.Getenv(childenv.MonitorGo) != "" {
		// The Go monitor keeps the terminal: the attached command follows
		// the log instead (its connection ends without one).
		closeAttach(attached)
		out.copy()
		in.serve()
		stdio.Started = func(pid int) { r.report(nil); reaper = reapOrphans(pid); checks = startHealthTicker(c) }
	} else {
		stdio.Started = func(int) { r.report(nil) }
		stdio.heldStderr = out.stderrR
		stdio.handover = func(pid int, master *os.File) {
			attached = sendTerminal(attached, master)
			// Returns only when the waiter could not take over.
			err := execWaiter(c, pid, out, in, master, attached)
			closeAttach(attached)
			attached = nil
			logrus.Warnf("the monitor of container %s waits in Go: %v", c.Name, err)
			out.copy()
			in.serve()
			reaper = reapOrphans(pid)
			checks = startHealthTicker(c)
		}
	}
	_, err = Start(ctx, env, c, stdio)
	checks.Stop()
	out.stdoutW.Close()
	out.stderrW.Close()
	if err != nil {
		r.report(err)
	}
	out.copy() // what a container that failed to start wrote
	out.drain()
	// Reap what else was re-parented to the monitor (the processes of a
	// runtime that refused the host, for one).
	for {
		var ws unix.WaitStatus
		if pid, werr := unix.Wait4(-1, &ws, unix.WNOHANG, nil); pid <= 0 || werr != nil {
			break
		}
	}
	return err
}

// startReporter tells the command that spawned the monitor how the start
// went, over the pipe it inherited, and lets go of the start lock it
// shares with that command.
type startReporter struct {
	ready, startLock *os.File
	// attach is the attach connection (SpawnAttachedMonitor), if any,
	// and winsize the size of that command's terminal.
	attach  *os.File
	winsize *unix.Winsize
}

// takeAttach returns the attach connection, once.
func (r *startReporter) takeAttach() *os.File {
	f := r.attach
	r.attach = nil
	return f
}

// inheritedReporter takes the descriptors SpawnMonitor passed (none when
// the monitor runs otherwise).
func inheritedReporter() *startReporter {
	r := &startReporter{}
	if fd, err := strconv.Atoi(os.Getenv(envMonitorReady)); err == nil && fd > 2 {
		// Inherited without close-on-exec: helpers the monitor starts
		// (pasta) must not hold it, or "run -d" waits for them.
		unix.CloseOnExec(fd)
		r.ready = os.NewFile(uintptr(fd), "ready")
		os.Unsetenv(envMonitorReady)
	}
	if fd, err := strconv.Atoi(os.Getenv(envMonitorLock)); err == nil && fd > 2 {
		unix.CloseOnExec(fd)
		r.startLock = os.NewFile(uintptr(fd), "start.lock")
		os.Unsetenv(envMonitorLock)
	}
	if fd, err := strconv.Atoi(os.Getenv(childenv.MonitorAttachFD)); err == nil && fd > 2 {
		unix.CloseOnExec(fd)
		r.attach = os.NewFile(uintptr(fd), "attach")
		os.Unsetenv(childenv.MonitorAttachFD)
	}
	var rows, cols uint16
	if _, err := fmt.Sscanf(os.Getenv(childenv.MonitorWinsize), "%d %d", &rows, &cols); err == nil {
		r.winsize = &unix.Winsize{Row: rows, Col: cols}
	}
	os.Unsetenv(childenv.MonitorWinsize)
	return r
}

// report says once that the start worked (err nil) or why it failed.
func (r *startReporter) report(err error) {
	if r.startLock != nil {
		r.startLock.Close()
		r.startLock = nil
	}
	if r.ready == nil {
		return
	}
	if err == nil {
		fmt.Fprint(r.ready, "0")
	} else {
		fmt.Fprint(r.ready, encodeFailure(err))
	}
	r.ready.Close()
	r.ready = nil
}
