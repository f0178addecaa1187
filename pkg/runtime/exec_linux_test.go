package runtime

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// running starts c in the background and returns once its process runs,
// with another command's view of the container (c is Start's) and a
// function that waits for Start's result.
func (h *testHost) running(t *testing.T, c *Container) (*Container, func() (int, error)) {
	t.Helper()
	var code int
	var err error
	var wg sync.WaitGroup
	started := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		code, err = Start(context.Background(), h.env, c, Stdio{Started: func(int) { close(started) }})
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the container did not start")
	}
	view, lerr := Lookup(h.env.Store, c.ID)
	if lerr != nil {
		t.Fatal(lerr)
	}
	return view, func() (int, error) { wg.Wait(); return code, err }
}

func TestExec(t *testing.T) {
	h := newTestHost(t)
	c, done := h.running(t, h.create(t, "sleep 60"))
	defer func() { _ = Remove(context.Background(), h.env, c, true); _, _ = done() }()

	stdout, stderr := newOutput(t), newOutput(t)
	code, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/bin/sh", "-c", "echo $FROM_IMAGE $EXTRA; echo e >&2; exit 5"}, Env: []string{"EXTRA=x"}}, Stdio{Stdout: stdout.w, Stderr: stderr.w})
	if err != nil || code != 5 {
		t.Fatalf("Exec: %d %v", code, err)
	}
	if got := stdout.text(); got != "1 x\n" {
		t.Errorf("stdout %q", got)
	}
	if got := stderr.text(); got != "e\n" {
		t.Errorf("stderr %q", got)
	}
	// Detached: nothing waits, nothing is copied.
	if code, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/bin/true"}, Detach: true}, Stdio{}); err != nil || code != 0 {
		t.Errorf("detached: %d %v", code, err)
	}
	// A terminal.
	var out bytes.Buffer
	if code, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/bin/sh", "-c", "test -t 1 && echo tty"}, TTY: true}, Stdio{Stdout: &out}); err != nil || code != 0 || !strings.Contains(out.String(), "tty") {
		t.Errorf("terminal: %d %v %q", code, err, out.String())
	}
	// The container's command is missing, or the runtime fails.
	if code, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/no/such"}}, Stdio{}); !errors.Is(err, ErrCommandNotFound) {
		t.Errorf("not found: %d %v", code, err)
	}
	h.fake.Fail = func(op, id string) error {
		if op == "exec" {
			return errors.New("exec failed")
		}
		return nil
	}
	if _, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/bin/true"}}, Stdio{Stderr: newOutput(t).w}); err == nil || !strings.Contains(err.Error(), "exec failed") {
		t.Errorf("runtime failure: %v", err)
	}
	h.fake.Fail = nil
	for what, o := range map[string]ExecOptions{
		"no command":       {},
		"relative workdir": {Args: []string{"/bin/true"}, Workdir: "rel"},
	} {
		if _, err := Exec(context.Background(), h.env, c, o, Stdio{}); err == nil {
			t.Errorf("%s: accepted", what)
		}
	}
	if code, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/bin/true"}, Workdir: "/tmp"}, Stdio{}); err != nil || code != 0 {
		t.Errorf("workdir: %d %v", code, err)
	}
	c.State.Paused = true
	if _, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/bin/true"}}, Stdio{}); err == nil || !strings.Contains(err.Error(), "paused") {
		t.Errorf("paused: %v", err)
	}
	c.State.Paused = false
	c.State.Runtime = "gone"
	if _, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/bin/true"}}, Stdio{}); err == nil || !strings.Contains(err.Error(), "not available") {
		t.Errorf("unknown runtime: %v", err)
	}
}

func TestExecNotRunning(t *testing.T) {
	h := newTestHost(t)
	c := h.create(t, "exit 0")
	if _, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/bin/true"}}, Stdio{}); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Exec: %v", err)
	}
}

// Kill and Stop signal the container's init; the foreground Start
// records what that made of it. A signal to this process goes on to the
// container too.
func TestKillStopAndForwarding(t *testing.T) {
	h := newTestHost(t)
	c, done := h.running(t, h.create(t, "sleep 60"))
	if err := Kill(h.env, c, unix.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code, err := done(); err != nil || code != 128+int(unix.SIGTERM) {
		t.Errorf("killed: %d %v", code, err)
	}
	if err := Kill(h.env, c, unix.SIGTERM); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Kill of an exited container: %v", err)
	}

	c, done = h.running(t, c)
	c.Config.StopSignal = "USR1"
	if err := Stop(context.Background(), h.env, c, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if code, err := done(); err != nil || code != 128+int(unix.SIGUSR1) {
		t.Errorf("stopped: %d %v", code, err)
	}
	if err := Stop(context.Background(), h.env, c, time.Second); err != nil {
		t.Errorf("Stop of a stopped container: %v", err)
	}

	c = h.create(t, "sleep 60")
	var code int
	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		code, err = Start(context.Background(), h.env, c, Stdio{Started: func(int) {
			// Caught (signal.Notify) and forwarded while the launch runs.
			_ = unix.Kill(os.Getpid(), unix.SIGHUP)
		}})
	}()
	wg.Wait()
	if err != nil || code != 128+int(unix.SIGHUP) {
		t.Errorf("forwarded: %d %v", code, err)
	}
}

func TestRemoveRunning(t *testing.T) {
	h := newTestHost(t)
	c, done := h.running(t, h.create(t, "sleep 60"))
	if err := Remove(context.Background(), h.env, c, false); err == nil || !strings.Contains(err.Error(), "is running") {
		t.Errorf("Remove without force: %v", err)
	}
	if err := Remove(context.Background(), h.env, c, true); err != nil {
		t.Fatal(err)
	}
	if code, err := done(); err != nil || code != 128+int(unix.SIGKILL) {
		t.Errorf("removed: %d %v", code, err)
	}
	if _, err := h.env.Store.Container(c.ID); err == nil {
		t.Error("still in the store")
	}
	if err := Remove(context.Background(), h.env, c, false); err != nil {
		t.Errorf("Remove of a removed container: %v", err)
	}
}
