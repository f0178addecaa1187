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

	"golang.org/x/sys/unix"
)

// A detached container's parent is its monitor: husk executed again as
// "husk __monitor ID" in a session of its own. It starts the container with
// its output going to the container log, tells the command that spawned
// it whether the start worked, waits, records the exit code and time, and
// cleans up (unmount; everything with --rm) whether or not any other husk
// command runs. It is not a daemon: one per running container, gone when
// the container is.

const envMonitorReady = "HUSK_MONITOR_READY_FD"

// envMonitorLock names the monitor's descriptor of the container's start
// lock, shared with the command that started it: another start waits
// until the container runs, even if that command is killed meanwhile.
const envMonitorLock = "HUSK_MONITOR_LOCK_FD"

// ErrStart wraps why a detached container failed to start; Code is the
// exit code husk should end with (125, 126 or 127).
type StartError struct {
	Code int
	Msg  string
}

func (e *StartError) Error() string { return e.Msg }

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
	if code, text, ok := strings.Cut(msg, " "); ok {
		n, _ := strconv.Atoi(code)
		return &StartError{Code: n, Msg: text}
	}
	return &StartError{Code: 125, Msg: fmt.Sprintf("the monitor of container %s exited before starting it", c.Name)}
}

// Monitor is the body of "husk __monitor": start c detached and stay with
// it until it exits.
func Monitor(ctx context.Context, env Env, c *Container) error {
	var ready *os.File
	if fd, err := strconv.Atoi(os.Getenv(envMonitorReady)); err == nil && fd > 2 {
		// Inherited without close-on-exec: helpers the monitor starts
		// (pasta) must not hold it, or "run -d" waits for them.
		unix.CloseOnExec(fd)
		ready = os.NewFile(uintptr(fd), "ready")
		os.Unsetenv(envMonitorReady)
	}
	var startLock *os.File
	if fd, err := strconv.Atoi(os.Getenv(envMonitorLock)); err == nil && fd > 2 {
		unix.CloseOnExec(fd)
		startLock = os.NewFile(uintptr(fd), "start.lock")
		os.Unsetenv(envMonitorLock)
	}
	report := func(code int, msg string) {
		if startLock != nil {
			startLock.Close()
			startLock = nil
		}
		if ready == nil {
			return
		}
		if code == 0 {
			fmt.Fprint(ready, "0")
		} else {
			fmt.Fprintf(ready, "%d %s", code, msg)
		}
		ready.Close()
		ready = nil
	}
	logf, err := OpenLog(c.LogPath(), LogLimits{MaxSize: c.Config.LogMaxSize, MaxFiles: c.Config.LogMaxFiles})
	if err != nil {
		report(125, err.Error())
		return err
	}
	defer logf.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		report(125, err.Error())
		return err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		report(125, err.Error())
		return err
	}
	var copies sync.WaitGroup
	copies.Add(2)
	go func() { defer copies.Done(); logf.Copy("stdout", outR) }()
	go func() { defer copies.Done(); logf.Copy("stderr", errR) }()

	// With -i, the monitor keeps the container's stdin and feeds it what
	// "husk attach" sends over a socket.
	var stdinR *os.File
	if c.Config.Interactive {
		r, w, err := os.Pipe()
		if err != nil {
			report(125, err.Error())
			return err
		}
		stdinR = r
		if l, path, err := listenAttach(c); err == nil {
			c.State.AttachSocket = path
			defer func() { l.Close(); os.Remove(path) }()
			go func() {
				for {
					conn, err := l.Accept()
					if err != nil {
						return
					}
					go func() { _, _ = io.Copy(w, conn); conn.Close() }()
				}
			}()
		}
	}
	c.State.MonitorPid = os.Getpid()
	stopReaper := make(chan struct{})
	defer close(stopReaper)
	var stdin io.Reader
	if stdinR != nil {
		stdin = stdinR
	}
	code, err := Start(ctx, env, c, Stdio{
		Stdin:  stdin,
		Stdout: outW,
		Stderr: errW,
		Started: func(pid int) {
			report(0, "")
			go reapOthers(pid, stopReaper)
		},
	})
	outW.Close()
	errW.Close()
	if err != nil {
		rc := 125
		switch {
		case errors.Is(err, ErrCommandNotFound):
			rc = ExitNotFound
		case errors.Is(err, ErrCannotInvoke):
			rc = ExitCannotInvoke
		}
		report(rc, err.Error())
	}
	done := make(chan struct{})
	go func() { copies.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		// A process the container left behind still holds the pipes.
	}
	_ = code
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

// reapOthers reaps the monitor's children other than the container's init
// (which Start waits for): processes of a runtime that refused the host,
// re-parented to the monitor as subreaper, would stay zombies for the
// container's whole life.
func reapOthers(keep int, stop <-chan struct{}) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		tasks, _ := filepath.Glob("/proc/self/task/*/children")
		for _, t := range tasks {
			b, err := os.ReadFile(t)
			if err != nil {
				continue
			}
			for _, f := range strings.Fields(string(b)) {
				pid, err := strconv.Atoi(f)
				if err != nil || pid == keep {
					continue
				}
				var ws unix.WaitStatus
				_, _ = unix.Wait4(pid, &ws, unix.WNOHANG, nil)
			}
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// listenAttach listens on the container's attach socket: in the runtime
// directory, or under the system temporary directory when that path would
// exceed the 108-byte limit of socket names.
func listenAttach(c *Container) (net.Listener, string, error) {
	dir := filepath.Join(os.Getenv("XDG_RUNTIME_DIR"), "husk", "attach")
	path := filepath.Join(dir, c.ID[:12]+".sock")
	if len(path) > 100 || os.Getenv("XDG_RUNTIME_DIR") == "" {
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
