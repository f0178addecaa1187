package runtime

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/runtime/oci/ocitest"
	"github.com/husk-dev/husk/pkg/storage"
)

// testHost is a store with one image ("localhost/test") and a fake OCI
// runtime that runs containers' commands on the host: what Start, Exec,
// the monitor and their fault paths need, without a runtime binary. The
// storage library needs root to make its layout.
type testHost struct {
	env     Env
	fake    *ocitest.Fake
	notices *bytes.Buffer
}

func newTestHost(t *testing.T, runtimes ...*ocitest.Fake) *testHost {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the storage library chowns its directories")
	}
	dir := t.TempDir()
	s, err := storage.Open(storage.Options{GraphRoot: filepath.Join(dir, "g"), RunRoot: filepath.Join(dir, "r"), Driver: storage.DriverVFS})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.Shutdown(true)
		_ = s.Close()
	})
	cfg, err := json.Marshal(imgspecv1.Image{Config: imgspecv1.ImageConfig{Env: []string{"PATH=/usr/bin:/bin", "FROM_IMAGE=1"}, Cmd: []string{"/bin/true"}}})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cfg)
	id := hex.EncodeToString(sum[:])
	if _, err := s.CreateImage(id, []string{"localhost/test:latest"}, "", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SetImageBigData(id, "sha256:"+id, cfg, nil); err != nil {
		t.Fatal(err)
	}
	if len(runtimes) == 0 {
		runtimes = []*ocitest.Fake{ocitest.NewFake("fake")}
	}
	h := &testHost{fake: runtimes[0], notices: &bytes.Buffer{}}
	h.env = Env{Store: s, Volumes: &VolumeStore{Dir: filepath.Join(dir, "volumes")}, Notices: h.notices, StateDir: filepath.Join(dir, "state")}
	for _, f := range runtimes {
		h.env.Runtimes = append(h.env.Runtimes, f)
	}
	return h
}

// create makes a container running sh -c script.
func (h *testHost) create(t *testing.T, script string, edit ...func(*Config)) *Container {
	t.Helper()
	cfg := Config{Image: "localhost/test", Command: []string{"/bin/sh", "-c", script}}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := Create(context.Background(), h.env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// output is a pipe for a container's stdout or stderr, read to the end.
type output struct {
	w    *os.File
	done chan struct{}
	buf  bytes.Buffer
}

func newOutput(t *testing.T) *output {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	o := &output{w: w, done: make(chan struct{})}
	go func() {
		_, _ = o.buf.ReadFrom(r)
		r.Close()
		close(o.done)
	}()
	t.Cleanup(func() { o.w.Close() })
	return o
}

// text closes this process's end and returns what was written.
func (o *output) text() string {
	o.w.Close()
	select {
	case <-o.done:
	case <-time.After(5 * time.Second):
		return "(still open)"
	}
	return o.buf.String()
}

func TestStartRunsAndRecordsTheExit(t *testing.T) {
	h := newTestHost(t)
	c := h.create(t, `echo "out $FROM_IMAGE"; echo err >&2; exit 3`)
	stdout, stderr := newOutput(t), newOutput(t)
	var started int
	code, err := Start(context.Background(), h.env, c, Stdio{Stdout: stdout.w, Stderr: stderr.w, Started: func(pid int) { started = pid }})
	if err != nil || code != 3 {
		t.Fatalf("Start: %d %v", code, err)
	}
	if got := stdout.text(); got != "out 1\n" {
		t.Errorf("stdout %q", got)
	}
	if got := stderr.text(); got != "err\n" {
		t.Errorf("stderr %q", got)
	}
	if started <= 0 {
		t.Error("Started was not told the pid")
	}
	// Nothing happens in the created state: one runtime call creates and
	// starts; the reaped container's state goes with delete.
	if got := strings.Join(h.fake.Calls(), ","); got != "run "+c.ID+",delete "+c.ID {
		t.Errorf("runtime calls %s", got)
	}
	if h.fake.Known(c.ID) {
		t.Error("the runtime still has the container")
	}
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	if c.State.Status != StatusExited || c.State.ExitCode != 3 || c.State.Pid != 0 || c.State.MonitorPid != 0 || c.State.Runtime != "fake" {
		t.Errorf("state %+v", c.State)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, startingFile)); !os.IsNotExist(err) {
		t.Errorf("start marker left: %v", err)
	}
	if _, err := Start(context.Background(), h.env, &Container{Name: "x", State: State{Status: StatusRunning}}, Stdio{}); err == nil {
		t.Error("a running container started again")
	}
}

func TestStartRemove(t *testing.T) {
	h := newTestHost(t)
	c := h.create(t, "exit 4", func(cfg *Config) { cfg.Remove = true })
	code, err := Start(context.Background(), h.env, c, Stdio{})
	if err != nil || code != 4 {
		t.Fatalf("Start: %d %v", code, err)
	}
	if _, err := h.env.Store.Container(c.ID); err == nil {
		t.Error("--rm container left in the store")
	}
	if code, ok := removedExit(h.env, c.ID); !ok || code != 4 {
		t.Errorf("exit code left for wait: %d %v", code, ok)
	}
	// WaitExit of the removed container finds that code.
	if code, err := WaitExit(context.Background(), h.env, c); err != nil || code != 4 {
		t.Errorf("WaitExit: %d %v", code, err)
	}
}

// A terminal: created, then started once the terminal is attached.
func TestStartWithTerminal(t *testing.T) {
	h := newTestHost(t)
	c := h.create(t, "test -t 0 && test -t 1 && echo on a terminal", func(cfg *Config) { cfg.TTY = true })
	var out bytes.Buffer
	code, err := Start(context.Background(), h.env, c, Stdio{Stdin: strings.NewReader(""), Stdout: &out})
	if err != nil || code != 0 {
		t.Fatalf("Start: %d %v (%q)", code, err, out.String())
	}
	if !strings.Contains(out.String(), "on a terminal") {
		t.Errorf("output %q", out.String())
	}
	if got := strings.Join(h.fake.Calls(), ","); got != "create "+c.ID+",start "+c.ID+",delete "+c.ID {
		t.Errorf("runtime calls %s", got)
	}
}

func TestStartInteractiveStdin(t *testing.T) {
	h := newTestHost(t)
	c := h.create(t, "read line; echo got $line", func(cfg *Config) { cfg.Interactive = true })
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := w.WriteString("hello\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	stdout := newOutput(t)
	if code, err := Start(context.Background(), h.env, c, Stdio{Stdin: r, Stdout: stdout.w}); err != nil || code != 0 {
		t.Fatalf("Start: %d %v", code, err)
	}
	if got := stdout.text(); got != "got hello\n" {
		t.Errorf("stdout %q", got)
	}
}

func TestStartCreateFails(t *testing.T) {
	h := newTestHost(t)
	h.fake.Fail = func(op, id string) error {
		if op == "run" {
			return errors.New("the runtime broke")
		}
		return nil
	}
	c := h.create(t, "exit 0")
	_, err := Start(context.Background(), h.env, c, Stdio{Stderr: newOutput(t).w})
	if !errors.Is(err, oci.ErrRuntime) || !strings.Contains(err.Error(), "the runtime broke") {
		t.Fatalf("Start: %v", err)
	}
	if err := c.Reload(); err != nil || c.State.Status == StatusRunning {
		t.Errorf("state %+v %v", c.State, err)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, startingFile)); !os.IsNotExist(err) {
		t.Errorf("start marker left: %v", err)
	}
}

func TestStartCommandNotFound(t *testing.T) {
	h := newTestHost(t)
	c := h.create(t, "", func(cfg *Config) { cfg.Command = []string{"/no/such/command"} })
	code, err := Start(context.Background(), h.env, c, Stdio{})
	if code != ExitNotFound || !errors.Is(err, ErrCommandNotFound) {
		t.Fatalf("Start: %d %v", code, err)
	}
}

// A start that fails after create: the process is killed and reaped, the
// container recorded as exited.
func TestStartFailsAfterCreate(t *testing.T) {
	h := newTestHost(t)
	h.fake.Fail = func(op, id string) error {
		if op == "start" {
			return errors.New("cannot start")
		}
		return nil
	}
	c := h.create(t, "sleep 60", func(cfg *Config) { cfg.TTY = true })
	_, err := Start(context.Background(), h.env, c, Stdio{Stdout: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "cannot start") {
		t.Fatalf("Start: %v", err)
	}
	if err := c.Reload(); err != nil || c.State.Status != StatusExited {
		t.Errorf("state %+v %v", c.State, err)
	}
	if h.fake.Known(c.ID) {
		t.Error("the runtime still has the container")
	}
}

// A runtime that refuses the host is skipped for the next one, with a
// notice, and remembered; the last one's refusal says what to do.
func TestStartFallsBack(t *testing.T) {
	refuse := func(op, id string) error {
		return errors.New("cgroups in hybrid mode not supported, drop all controllers from cgroupv2")
	}
	first, second := ocitest.NewFake("first"), ocitest.NewFake("second")
	first.Fail = refuse
	h := newTestHost(t, first, second)
	c := h.create(t, "exit 0")
	if code, err := Start(context.Background(), h.env, c, Stdio{Stderr: newOutput(t).w}); err != nil || code != 0 {
		t.Fatalf("Start: %d %v", code, err)
	}
	if n := h.notices.String(); !strings.HasPrefix(n, "husk: notice: first cannot run containers on this host (") || !strings.Contains(n, "cgroups in hybrid mode not supported") || !strings.HasSuffix(n, "; using second\n") {
		t.Errorf("notice %q", h.notices.String())
	}
	if oci.Refusal(h.env.StateDir, "first") == "" {
		t.Error("refusal not remembered")
	}
	if err := c.Reload(); err != nil || c.State.Runtime != "second" {
		t.Errorf("runtime %q %v", c.State.Runtime, err)
	}
	second.Fail = refuse
	_, err := Start(context.Background(), h.env, c, Stdio{})
	if err == nil || !strings.Contains(err.Error(), "choose another runtime with --runtime") {
		t.Errorf("all refuse: %v", err)
	}
	h.env.Runtimes = nil
	if _, err := Start(context.Background(), h.env, c, Stdio{}); err == nil || !strings.Contains(err.Error(), "no OCI runtime") {
		t.Errorf("no runtime: %v", err)
	}
}

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
	if code, err := Exec(context.Background(), h.env, c, ExecOptions{Args: []string{"/no/such"}}, Stdio{}); code != ExitNotFound || !errors.Is(err, ErrCommandNotFound) {
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
