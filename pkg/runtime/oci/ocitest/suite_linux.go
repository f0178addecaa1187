package ocitest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// Bundle writes a bundle whose config.json runs args, with the host
// directory shared visible at the same path; Suite's caller supplies it (a
// fake needs no rootfs, a real runtime does).
type Bundle func(t *testing.T, shared string, args ...string) string

// Suite checks that rt's drivers keep the oci.Driver contract. The test
// process becomes child subreaper, as husk does before Create.
func Suite(t *testing.T, rt oci.Runtime, bundle Bundle) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Skipf("cannot become subreaper: %v", err)
	}
	s := &suite{drv: rt.Driver(nil), bundle: bundle, shared: t.TempDir()}
	t.Run("run-and-wait", s.runAndWait)
	t.Run("created-waits-for-start", s.createdWaitsForStart)
	t.Run("unknown-container", s.unknownContainer)
	t.Run("command-not-found", s.commandNotFound)
}

type suite struct {
	drv    oci.Driver
	bundle Bundle
	// shared is seen by the containers at its own path.
	shared string
}

// id is a container id from the test's name.
func (s *suite) id(t *testing.T) string {
	return strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
}

// create makes a container running args and returns its id and pid.
func (s *suite) create(t *testing.T, startNow bool, args ...string) (string, int) {
	b := s.bundle(t, s.shared, args...)
	cid := s.id(t)
	pidFile := filepath.Join(b, "pid")
	if err := s.drv.Create(context.Background(), cid, oci.CreateOptions{Bundle: b, StartNow: startNow, IO: oci.IO{PidFile: pidFile}}); err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { _ = s.drv.Delete(context.Background(), cid, oci.DeleteOptions{}) })
	return cid, readPid(t, pidFile)
}

func (s *suite) runAndWait(t *testing.T) {
	ctx := context.Background()
	cid, pid := s.create(t, true, "/bin/sh", "-c", "exit 7")
	if code := reap(t, pid); code != 7 {
		t.Errorf("exit code %d, want 7", code)
	}
	// A reaped container's delete (the runc driver's in-process one).
	if err := s.drv.Delete(ctx, cid, oci.DeleteOptions{Reaped: true}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := s.drv.State(ctx, cid); !errors.Is(err, oci.ErrNotExist) {
		t.Errorf("state of a deleted container: %v, want ErrNotExist", err)
	}
}

func (s *suite) createdWaitsForStart(t *testing.T) {
	ctx := context.Background()
	mark := filepath.Join(s.shared, "ran")
	cid, pid := s.create(t, false, "/bin/sh", "-c", "touch "+mark+"; sleep 60")
	if st, err := s.drv.State(ctx, cid); err != nil || st.Status != oci.StatusCreated || st.Pid != pid {
		t.Fatalf("state before start: %+v %v", st, err)
	}
	time.Sleep(50 * time.Millisecond)
	if _, err := os.Stat(mark); err == nil {
		t.Fatal("the process ran before start")
	}
	if err := s.drv.Start(ctx, cid); err != nil {
		t.Fatalf("start: %v", err)
	}
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(mark); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := os.Stat(mark); err != nil {
		t.Fatal("the process did not run after start")
	}
	if st, err := s.drv.State(ctx, cid); err != nil || st.Status != oci.StatusRunning {
		t.Fatalf("state after start: %+v %v", st, err)
	}
	// exec: one more process, waited for like the init.
	pidFile := filepath.Join(t.TempDir(), "exec.pid")
	p := &specs.Process{Args: []string{"/bin/sh", "-c", "exit 3"}, Cwd: "/"}
	if err := s.drv.Exec(ctx, cid, oci.ExecOptions{Process: p, IO: oci.IO{PidFile: pidFile}}); err != nil {
		t.Fatalf("exec: %v", err)
	}
	if code := reap(t, readPid(t, pidFile)); code != 3 {
		t.Errorf("exec exit code %d, want 3", code)
	}
	// delete kills what runs.
	if err := s.drv.Delete(ctx, cid, oci.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if code := reap(t, pid); code != 128+int(unix.SIGKILL) {
		t.Errorf("deleted container's init ended with %d, want SIGKILL", code)
	}
	if _, err := s.drv.State(ctx, cid); !errors.Is(err, oci.ErrNotExist) {
		t.Errorf("state of a deleted container: %v, want ErrNotExist", err)
	}
}

func (s *suite) unknownContainer(t *testing.T) {
	ctx := context.Background()
	cid := "no-such-container"
	if err := s.drv.Delete(ctx, cid, oci.DeleteOptions{}); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, err := s.drv.State(ctx, cid); !errors.Is(err, oci.ErrNotExist) {
		t.Errorf("state: %v", err)
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	for op, err := range map[string]error{
		"start":  s.drv.Start(ctx, cid),
		"exec":   s.drv.Exec(ctx, cid, oci.ExecOptions{Process: &specs.Process{Args: []string{"/bin/true"}, Cwd: "/"}, IO: oci.IO{PidFile: pidFile}}),
		"update": s.drv.Update(ctx, cid, &specs.LinuxResources{}),
	} {
		if !errors.Is(err, oci.ErrRuntime) {
			t.Errorf("%s: %v, want an ErrRuntime", op, err)
		}
	}
}

func (s *suite) commandNotFound(t *testing.T) {
	b := s.bundle(t, s.shared, "/no/such/command")
	cid := s.id(t)
	err := s.drv.Create(context.Background(), cid, oci.CreateOptions{Bundle: b, StartNow: true, IO: oci.IO{PidFile: filepath.Join(b, "pid")}})
	_ = s.drv.Delete(context.Background(), cid, oci.DeleteOptions{})
	if !errors.Is(oci.Classify(err), oci.ErrCommandNotFound) {
		t.Errorf("create: %v, want an error Classify takes for not found", err)
	}
}

// FakeBundle is a Bundle for the fake: config.json alone.
func FakeBundle(t *testing.T, _ string, args ...string) string {
	dir := t.TempDir()
	s := specs.Spec{Process: &specs.Process{Args: args, Cwd: "/", Env: []string{"PATH=/usr/bin:/bin"}}}
	b, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	return pid
}

// reap waits for pid, a child of this process as subreaper.
func reap(t *testing.T, pid int) int {
	t.Helper()
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			t.Fatalf("wait for %d: %v", pid, err)
		}
		break
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
