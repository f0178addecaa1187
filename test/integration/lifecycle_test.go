package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type ctrState struct {
	Status     string
	Pid        int
	ExitCode   int
	MonitorPid int
}

func (e *env) state(t *testing.T, name string) ctrState {
	t.Helper()
	var out []struct{ HuskState ctrState }
	if err := json.Unmarshal([]byte(e.husk("container", "inspect", name)), &out); err != nil || len(out) != 1 {
		t.Fatalf("inspect %s: %v", name, err)
	}
	return out[0].HuskState
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && i+2 < len(s) && s[i+2] != 'Z'
}

// A detached container is managed by later, separate invocations.
func TestDetachedLifecycleAcrossInvocations(t *testing.T) {
	e := rootless(t)
	e.husk("pull", "-q", e.image("busybox"))
	id := strings.TrimSpace(e.husk("run", "-d", "--name", "svc", e.image("busybox"),
		"sh", "-c", `trap 'echo stopping; exit 7' TERM; echo up; while true; do sleep 0.1; done`))
	if len(id) != 64 {
		t.Fatalf("run -d printed %q", id)
	}
	st := e.state(t, "svc")
	if st.Status != "running" || !alive(st.Pid) || !alive(st.MonitorPid) {
		t.Fatalf("state %+v", st)
	}
	if out := e.husk("exec", "-e", "V=x", "-w", "/tmp", "svc", "sh", "-c", `echo "$V $PWD $(id -u)"`); out != "x /tmp 0\n" {
		t.Fatalf("exec: %q", out)
	}
	if out := e.husk("ps", "--format", "{{.Names}} {{.State}}"); out != "svc running\n" {
		t.Fatalf("ps: %q", out)
	}
	start := time.Now()
	e.husk("stop", "-t", "5", "svc")
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("stop took %v for a container that exits on TERM", d)
	}
	if out := e.husk("wait", "svc"); out != "7\n" {
		t.Fatalf("wait: %q", out)
	}
	if out := e.husk("logs", "svc"); out != "up\nstopping\n" {
		t.Fatalf("logs: %q", out)
	}
	st = e.state(t, "svc")
	if st.Status != "exited" || st.ExitCode != 7 || alive(st.MonitorPid) {
		t.Fatalf("after stop: %+v", st)
	}
	e.husk("restart", "svc")
	if st2 := e.state(t, "svc"); st2.Status != "running" || st2.Pid == st.Pid {
		t.Fatalf("restart: %+v", st2)
	}
	e.husk("rm", "-f", "svc")
	if out := e.husk("ps", "-a", "-q"); out != "" {
		t.Fatalf("left: %q", out)
	}
}

// stop honours -t for a container that ignores its stop signal, then
// kills it.
func TestStopTimeoutThenKill(t *testing.T) {
	e := rootless(t)
	e.husk("run", "-d", "--name", "stubborn", e.image("busybox"), "sh", "-c", `trap '' TERM; while true; do sleep 0.1; done`)
	start := time.Now()
	e.husk("stop", "-t", "2", "stubborn")
	d := time.Since(start)
	if d < 2*time.Second || d > 8*time.Second {
		t.Fatalf("stop -t 2 took %v", d)
	}
	if out := e.husk("wait", "stubborn"); out != "137\n" {
		t.Fatalf("exit code %q, want 137", out)
	}
}

// Faults: the monitor killed, the container killed from outside; ps tells
// the truth and rm -f cleans up.
func TestFaultsReconciled(t *testing.T) {
	e := rootless(t)
	e.husk("run", "-d", "--name", "a", e.image("busybox"), "sleep", "1000")
	e.husk("run", "-d", "--name", "b", e.image("busybox"), "sleep", "1000")
	a, b := e.state(t, "a"), e.state(t, "b")
	// b: its process killed from outside, the monitor records 137.
	if err := syscall.Kill(b.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if out := e.husk("wait", "b"); out != "137\n" {
		t.Fatalf("wait b: %q", out)
	}
	// a: monitor killed, then the container.
	syscall.Kill(a.MonitorPid, syscall.SIGKILL)
	syscall.Kill(a.Pid, syscall.SIGKILL)
	deadline := time.Now().Add(5 * time.Second)
	for alive(a.Pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	out := e.husk("ps", "-a", "--format", "{{.Names}} {{.State}}")
	if !strings.Contains(out, "a exited") || !strings.Contains(out, "b exited") {
		t.Fatalf("ps after faults: %q", out)
	}
	e.husk("rm", "-a", "-f")
	if out := e.husk("ps", "-a", "-q"); out != "" {
		t.Fatalf("left: %q", out)
	}
}

// 32 parallel run --rm all succeed and leave nothing.
func TestParallelRunRm(t *testing.T) {
	e := rootless(t)
	e.husk("pull", "-q", e.image("busybox"))
	var wg sync.WaitGroup
	errs := make(chan string, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			r := e.run(ctx, "run", "--rm", e.image("busybox"), "sh", "-c", "echo "+strconv.Itoa(i))
			if r.code != 0 || r.stdout != strconv.Itoa(i)+"\n" {
				errs <- fmt.Sprintf("run %d: %+v", i, r)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if out := e.husk("ps", "-a", "-q"); out != "" {
		t.Fatalf("left: %q", out)
	}
}

// The pause process killed while a container runs: the next command makes
// a new one in the same namespaces (adopted from the container's
// monitor), so exec, cp and rm still work.
func TestPauseKilledWhileContainerRuns(t *testing.T) {
	e := rootless(t)
	e.husk("run", "-d", "--name", "keep", e.image("busybox"), "sleep", "1000")
	old := e.pausePid(t)
	userNS := func(pid int) string {
		l, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", pid))
		return l
	}
	before := userNS(old)
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && alive(old); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if out := e.husk("exec", "keep", "echo", "still"); out != "still\n" {
		t.Fatalf("exec after the pause process died: %q", out)
	}
	now := e.pausePid(t)
	if now == old || userNS(now) != before {
		t.Fatalf("new pause %d in %s, old namespace %s", now, userNS(now), before)
	}
	e.husk("rm", "-f", "keep")
}

// attach forwards input to a container started with -i and ends with its
// exit code.
func TestAttachStdin(t *testing.T) {
	e := rootless(t)
	e.husk("run", "-d", "-i", "--name", "echo", e.image("busybox"), "sh", "-c",
		`while read l; do echo "got $l"; [ "$l" = quit ] && exit 9; done`)
	cmd := exec.Command(e.bin, "attach", "echo")
	cmd.Env = e.environ()
	cmd.Stdin = strings.NewReader("hello\nquit\n")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 9 {
		t.Fatalf("attach: %v", err)
	}
	if string(out) != "got hello\ngot quit\n" {
		t.Fatalf("attach printed %q", out)
	}
}
