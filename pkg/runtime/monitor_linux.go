package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

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
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("monitor pipe: %w", err)
	}
	defer r.Close()
	cmd := exec.Command("/proc/self/exe", argv...)
	cmd.Args[0] = os.Args[0]
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{w}
	cmd.Env = append(os.Environ(), envMonitorReady+"=3")
	if startLock != nil {
		cmd.ExtraFiles = append(cmd.ExtraFiles, startLock)
		cmd.Env = append(cmd.Env, envMonitorLock+"=4")
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return fmt.Errorf("start monitor: %w", err)
	}
	// The start in progress is the monitor's from now on: this process may
	// go without the start being taken for interrupted.
	handOverStart(c, cmd.Process.Pid)
	b, _ := io.ReadAll(io.LimitReader(r, 64*1024))
	msg := strings.TrimSpace(string(b))
	if msg == "0" {
		return cmd.Process.Release()
	}
	_ = cmd.Wait()
	if err, ok := decodeFailure(msg); ok {
		return err
	}
	return fmt.Errorf("the monitor of container %s exited before starting it", c.Name)
}

// Monitor is the body of "husk __monitor": start c detached and stay with
// it until it exits.
func Monitor(ctx context.Context, env Env, c *Container) error {
	r := inheritedReporter()
	out, err := openMonitorOutput(c)
	if err != nil {
		r.report(err)
		return err
	}
	defer out.close()
	// With -i, the monitor keeps the container's stdin and feeds it what
	// "husk attach" sends over a socket.
	var stdin io.Reader
	if c.Config.Interactive {
		stdinR, stop, err := serveAttach(c, env.RuntimeDir)
		if err != nil {
			r.report(err)
			return err
		}
		defer stop()
		stdin = stdinR
	}
	c.State.MonitorPid = os.Getpid()
	var reaper *orphanReaper
	defer func() { reaper.stop() }()
	_, err = Start(ctx, env, c, Stdio{
		Stdin:  stdin,
		Stdout: out.stdoutW,
		Stderr: out.stderrW,
		Started: func(pid int) {
			r.report(nil)
			reaper = reapOrphans(pid)
		},
	})
	out.stdoutW.Close()
	out.stderrW.Close()
	if err != nil {
		r.report(err)
	}
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

// monitorOutput copies the container's stdout and stderr, through pipes,
// to its log.
type monitorOutput struct {
	logf             *LogFile
	stdoutW, stderrW *os.File
	copies           sync.WaitGroup
}

func openMonitorOutput(c *Container) (*monitorOutput, error) {
	if c.Config.LogDriver == LogDriverNone {
		return discardOutput()
	}
	logf, err := OpenLog(c.LogPath(), LogLimits{MaxSize: c.Config.LogMaxSize, MaxFiles: c.Config.LogMaxFiles})
	if err != nil {
		return nil, err
	}
	o := &monitorOutput{logf: logf}
	outR, outW, err := os.Pipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	o.stdoutW, o.stderrW = outW, errW
	o.copies.Add(2)
	go func() { defer o.copies.Done(); logf.Copy("stdout", outR) }()
	go func() { defer o.copies.Done(); logf.Copy("stderr", errR) }()
	return o, nil
}

// drain waits for the copies to end, but not long: a process the
// container left behind may still hold the pipes.
func (o *monitorOutput) drain() {
	done := make(chan struct{})
	go func() { o.copies.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
}

func (o *monitorOutput) close() {
	if o.logf != nil {
		o.logf.Close()
	}
}

// serveAttach makes the container's stdin a pipe that the attach socket
// feeds (when the socket can be made; else nothing feeds it), recorded
// in c's state. stop closes the socket.
func serveAttach(c *Container, runtimeDir string) (io.Reader, func(), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	l, path, err := listenAttach(c, runtimeDir)
	if err != nil {
		return r, func() {}, nil
	}
	c.State.AttachSocket = path
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(w, conn); conn.Close() }()
		}
	}()
	return r, func() { l.Close(); os.Remove(path) }, nil
}

// listenAttach listens on the container's attach socket: in the runtime
// directory, or under the system temporary directory when that path would
// exceed the 108-byte limit of socket names.
func listenAttach(c *Container, runtimeDir string) (net.Listener, string, error) {
	dir := filepath.Join(runtimeDir, "husk", "attach")
	path := filepath.Join(dir, c.ID[:12]+".sock")
	if len(path) > 100 || runtimeDir == "" {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("husk-attach-%d", os.Getuid()))
		path = filepath.Join(dir, c.ID[:12]+".sock")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	_ = os.Remove(path)
	l, err := net.Listen("unix", path)
	return l, path, err
}
