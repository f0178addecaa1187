package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// HealthResult is what one check said.
type HealthResult struct {
	// Healthy: the check passed (exit code 0).
	Healthy bool
	// Status is the container's health after the check.
	Status string
	// Action is the on-failure action the check called for (none when
	// the container did not turn, or stay, unhealthy).
	Action HealthOnFailure
}

// RunHealthcheck runs c's healthcheck once now, as an exec into the
// container bounded by its timeout, and records the result (State.Health
// of inspect). It refuses a container without a healthcheck
// (ErrNoHealthcheck) or that does not run (ErrNotRunning).
func RunHealthcheck(ctx context.Context, env Env, c *Container) (HealthResult, error) {
	if !c.HasHealthcheck() {
		return HealthResult{}, fmt.Errorf("container %s %w", c.ID, ErrNoHealthcheck)
	}
	if err := Refresh(env, c); err != nil {
		return HealthResult{}, err
	}
	if !c.Alive() || c.State.Paused {
		return HealthResult{}, notRunningError{c.ID}
	}
	res, err := execHealthcheck(ctx, env, c)
	if err != nil {
		return HealthResult{}, err
	}
	unlock, err := lockHealth(c)
	if err != nil {
		return HealthResult{}, err
	}
	defer unlock()
	h := c.Config.Healthcheck
	rec := readHealth(c)
	old := rec.Status
	if old == "" {
		old = HealthStarting
	}
	rec.StartedAt = c.State.StartedAt
	inStart := h.StartPeriod > 0 && time.Since(c.State.StartedAt) < h.StartPeriod
	rec.apply(res, h.Retries, inStart)
	if err := writeHealth(c, rec); err != nil {
		return HealthResult{}, err
	}
	if rec.Status != old {
		RecordHealth(env, c, rec.Status)
	}
	out := HealthResult{Healthy: res.ExitCode == 0, Status: rec.Status, Action: HealthActionNone}
	if rec.Status == HealthUnhealthy && !out.Healthy && c.Config.HealthOnFailure != "" {
		out.Action = c.Config.HealthOnFailure
	}
	return out, nil
}

// healthArgs is the process a check runs: a shell for CMD-SHELL.
func healthArgs(test []string) []string {
	if len(test) == 0 {
		return nil
	}
	switch test[0] {
	case "CMD-SHELL":
		return []string{"/bin/sh", "-c", strings.Join(test[1:], " ")}
	case "CMD":
		return test[1:]
	}
	return test
}

// execHealthcheck runs the check and returns its result; a check that
// cannot be run at all (its command is missing) is a failure, as in
// podman, not an error.
func execHealthcheck(ctx context.Context, env Env, c *Container) (HealthLog, error) {
	h := c.Config.Healthcheck
	out := &cappedBuffer{max: maxHealthOutput}
	var (
		mu       sync.Mutex
		timer    *time.Timer
		done     bool
		timedOut bool
	)
	// The runtime's exec returns once the process runs only when its
	// output is a file (exec.Cmd copies other writers until their end):
	// a pipe, read here.
	r, w, err := os.Pipe()
	if err != nil {
		return HealthLog{}, fmt.Errorf("healthcheck output pipe: %w", err)
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = io.Copy(out, r)
		r.Close()
	}()
	stdio := Stdio{Stdout: w, Stderr: w, Started: func(pid int) {
		logrus.Debugf("healthcheck of %s: process %d, timeout %s", c.Name, pid, h.Timeout)
		if h.Timeout <= 0 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(h.Timeout, func() {
			mu.Lock()
			defer mu.Unlock()
			if !done {
				timedOut = true
				err := unix.Kill(pid, unix.SIGKILL)
				logrus.Debugf("healthcheck of %s: killed %d after %s: %v", c.Name, pid, h.Timeout, err)
			}
		})
	}}
	start := time.Now()
	code, err := Exec(ctx, env, c, ExecOptions{Args: healthArgs(h.Test)}, stdio)
	w.Close()
	// What the check left running in the background may hold the pipe:
	// its output is not waited for beyond a moment.
	select {
	case <-copied:
	case <-time.After(time.Second):
		r.Close()
	}
	end := time.Now()
	mu.Lock()
	done = true
	if timer != nil {
		timer.Stop()
	}
	mu.Unlock()
	switch {
	case errors.Is(err, ErrCommandNotFound), errors.Is(err, ErrCannotInvoke):
		code = 127
		if errors.Is(err, ErrCannotInvoke) {
			code = 126
		}
		out.reset(err.Error())
	case err != nil:
		return HealthLog{}, err
	case timedOut:
		code = 1
		out.reset(fmt.Sprintf("healthcheck command exceeded timeout of %s", h.Timeout))
	}
	return HealthLog{Start: start.UTC().Format(time.RFC3339Nano), End: end.UTC().Format(time.RFC3339Nano), ExitCode: code,
		Output: strings.TrimRight(out.String(), "\n")}, nil
}

// cappedBuffer keeps the first max bytes written to it and takes (drops)
// the rest, so a chatty check neither blocks nor grows the record.
type cappedBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *cappedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (w *cappedBuffer) reset(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = []byte(s)
}

func (w *cappedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}

// SpawnHealthAction carries out an unhealthy container's on-failure
// action as the husk command of that name (argv: husk's global
// arguments), in a session of its own: it outlives the check and the
// monitor that ran it (a restart replaces that monitor).
func SpawnHealthAction(c *Container, action HealthOnFailure, argv []string) error {
	var args []string
	switch action {
	case HealthActionKill:
		args = []string{"kill", c.ID}
	case HealthActionStop:
		args = []string{"stop", c.ID}
	case HealthActionRestart:
		args = []string{"restart", c.ID}
	default:
		return nil
	}
	cmd := exec.Command("/proc/self/exe", append(append([]string{}, argv...), args...)...)
	cmd.Args[0] = os.Args[0]
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s unhealthy container %s: %w", action, c.Name, err)
	}
	return cmd.Process.Release()
}

// notRunningError is podman's words for a check of a container that does
// not run.
type notRunningError struct{ id string }

func (e notRunningError) Error() string { return "container " + e.id + " is not running" }
func (e notRunningError) Unwrap() error { return ErrNotRunning }
