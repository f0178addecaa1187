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
	"testing"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/runtime/oci/ocitest"
	"github.com/husk-dev/husk/pkg/storage/storagetest"
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
	s := storagetest.VFS(t)
	dir := t.TempDir()
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
	if !errors.Is(err, ErrCommandNotFound) {
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
	if err == nil || !strings.Contains(asFlags(err), "choose another runtime with --runtime") {
		t.Errorf("all refuse: %v", err)
	}
	h.env.Runtimes = nil
	if _, err := Start(context.Background(), h.env, c, Stdio{}); err == nil || !strings.Contains(err.Error(), "no OCI runtime") {
		t.Errorf("no runtime: %v", err)
	}
}

// A launch that fails between create and running kills and reaps what
// the runtime created.
func TestLaunchKillsWhatFailsBeforeRunning(t *testing.T) {
	for _, step := range []string{"placed", "created"} {
		t.Run(step, func(t *testing.T) {
			b := ocitest.FakeBundle(t, "", "/bin/sh", "-c", "sleep 60")
			drv := ocitest.NewFake("fake").Driver(nil)
			var pid int
			fail := func(p int) error { pid = p; return errors.New("refused at " + step) }
			l := &launch{pidFile: filepath.Join(b, "pid"), stdio: Stdio{Stderr: newOutput(t).w}}
			l.create = func(ctx context.Context, lio *launchIO) error {
				o, err := lio.attempt()
				if err == nil {
					err = drv.Create(ctx, "c", oci.CreateOptions{Bundle: b, IO: o})
				}
				if err == nil {
					lio.made()
				}
				return err
			}
			if step == "placed" {
				l.placed = fail
			} else {
				l.created = fail
			}
			if _, err := l.run(context.Background()); err == nil || !strings.Contains(err.Error(), "refused at "+step) {
				t.Fatalf("run: %v", err)
			}
			if pid <= 0 || procStartTicks(pid) != 0 {
				t.Errorf("process %d still there", pid)
			}
			var ws unix.WaitStatus
			if _, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil); !errors.Is(err, unix.ECHILD) {
				t.Errorf("process %d not reaped: %v", pid, err)
			}
		})
	}
}
