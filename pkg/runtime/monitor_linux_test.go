package runtime

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// The monitor (run in this process, without the pipe to the command that
// spawns it) starts the container with its output going to the log and
// records the exit.
func TestMonitorLogsAndRecords(t *testing.T) {
	monitorLogsAndRecords(t, newTestHost(t))
}

// monitorLogsAndRecords runs a container that writes to both streams and
// exits 2 under Monitor in h, and checks its log lines and its record.
func monitorLogsAndRecords(t *testing.T, h *testHost) {
	t.Helper()
	c := h.create(t, "echo to-stdout; echo to-stderr >&2; exit 2")
	if err := Monitor(context.Background(), h.env, c); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(c.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), " stdout F to-stdout\n") || !strings.Contains(string(b), " stderr F to-stderr\n") {
		t.Errorf("log %q", b)
	}
	if err := c.Reload(); err != nil || c.State.Status != StatusExited || c.State.ExitCode != 2 || c.State.MonitorPid != 0 {
		t.Errorf("state %+v %v", c.State, err)
	}
}

func TestMonitorStartFails(t *testing.T) {
	h := newTestHost(t)
	c := h.create(t, "", func(cfg *Config) { cfg.Command = []string{"/no/such/command"} })
	if err := Monitor(context.Background(), h.env, c); !errors.Is(err, ErrCommandNotFound) {
		t.Errorf("Monitor: %v", err)
	}
}

// With -i the monitor keeps the container's stdin and feeds it what comes
// on the attach socket.
func TestMonitorAttach(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	h := newTestHost(t)
	c := h.create(t, "read line; echo got $line", func(cfg *Config) { cfg.Interactive = true })
	done := make(chan error, 1)
	go func() { done <- Monitor(context.Background(), h.env, c) }()
	var socket string
	for i := 0; i < 500 && socket == ""; i++ {
		time.Sleep(10 * time.Millisecond)
		// (c is the monitor's: this is another command's view.)
		if other, err := Lookup(h.env.Store, c.ID); err == nil && other.State.Status == StatusRunning {
			socket = other.State.AttachSocket
		}
	}
	if socket == "" {
		t.Fatal("no attach socket recorded")
	}
	conn, err := net.Dial("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the container did not end")
	}
	if b, _ := os.ReadFile(c.LogPath()); !strings.Contains(string(b), "got hello") {
		t.Errorf("log %q", b)
	}
	if _, err := os.Stat(socket); !os.IsNotExist(err) {
		t.Errorf("attach socket left: %v", err)
	}
}

// deadPid is the pid of a process that has exited and been reaped.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// A running container whose process and monitor are gone is recorded as
// exited, code unknown; a --rm one is removed.
func TestRefreshAfterTheMonitorDied(t *testing.T) {
	h := newTestHost(t)
	for _, remove := range []bool{false, true} {
		c := h.create(t, "exit 0", func(cfg *Config) { cfg.Remove = remove })
		unmarkStarting(c)
		c.State.Status, c.State.Pid, c.State.MonitorPid = StatusRunning, deadPid(t), deadPid(t)
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		err := Refresh(h.env, c)
		if remove {
			if !errors.Is(err, ErrContainerUnknown) {
				t.Errorf("--rm: %v", err)
			}
			if _, serr := h.env.Store.Container(c.ID); serr == nil {
				t.Error("--rm container left")
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.State.Status != StatusExited || c.State.ExitCode != -1 || !strings.Contains(c.State.Error, "disappeared") {
			t.Errorf("state %+v", c.State)
		}
		if code, err := WaitExit(context.Background(), h.env, c); err != nil || code != -1 {
			t.Errorf("WaitExit: %d %v", code, err)
		}
	}
}

// A start whose process was killed while the runtime held the container
// in the created state: the runtime's container (and its waiting process)
// goes, the container stays startable.
func TestRefreshAfterAnInterruptedStart(t *testing.T) {
	h := newTestHost(t)
	c := h.create(t, "echo ran")
	if err := Prepare(context.Background(), h.env, c); err != nil {
		t.Fatal(err)
	}
	// What a start leaves when it is killed after the runtime's create.
	drv := h.fake.Driver(nil)
	if err := drv.Create(context.Background(), c.ID, ociCreate(c)); err != nil {
		t.Fatal(err)
	}
	if err := markStarter(c, deadPid(t)); err != nil {
		t.Fatal(err)
	}
	if err := Refresh(h.env, c); err != nil {
		t.Fatal(err)
	}
	if h.fake.Known(c.ID) {
		t.Error("the runtime still has the container")
	}
	if c.State.Status != StatusCreated {
		t.Errorf("state %+v", c.State)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, startingFile)); !os.IsNotExist(err) {
		t.Errorf("start marker left: %v", err)
	}
	// It starts again.
	stdout := newOutput(t)
	if code, err := Start(context.Background(), h.env, c, Stdio{Stdout: stdout.w}); err != nil || code != 0 || stdout.text() != "ran\n" {
		t.Errorf("start after: %d %v", code, err)
	}
	// A --rm one is removed.
	c = h.create(t, "exit 0", func(cfg *Config) { cfg.Remove = true })
	if err := markStarter(c, deadPid(t)); err != nil {
		t.Fatal(err)
	}
	if err := Refresh(h.env, c); !errors.Is(err, ErrContainerUnknown) {
		t.Errorf("--rm: %v", err)
	}
}

func TestLookupAndList(t *testing.T) {
	h := newTestHost(t)
	a := h.create(t, "exit 0", func(cfg *Config) { cfg.Name = "alpha" })
	h.create(t, "exit 0", func(cfg *Config) { cfg.Name = "beta" })
	for _, ref := range []string{"alpha", a.ID, a.ID[:12]} {
		if c, err := Lookup(h.env.Store, ref); err != nil || c.ID != a.ID || c.Name != "alpha" {
			t.Errorf("Lookup(%q): %v %v", ref, c, err)
		}
	}
	if _, err := Lookup(h.env.Store, "gamma"); !errors.Is(err, ErrContainerUnknown) {
		t.Errorf("unknown: %v", err)
	}
	if _, err := Lookup(h.env.Store, " "); !errors.Is(err, ErrEmptyName) {
		t.Errorf("blank: %v", err)
	}
	all, err := List(h.env.Store)
	if err != nil || len(all) != 2 {
		t.Fatalf("List: %d %v", len(all), err)
	}
	if _, err := Create(context.Background(), h.env, Config{Image: "localhost/test", Name: "alpha"}); err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Errorf("duplicate name: %v", err)
	}
	for _, bad := range []string{"-x", "a b", "ü"} {
		if err := CheckContainerName(bad); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	if _, err := Create(context.Background(), h.env, Config{Image: "localhost/nothere"}); err == nil {
		t.Error("unknown image accepted")
	}
	c, err := Create(context.Background(), h.env, Config{Image: "localhost/test"})
	if err != nil || c.Name == "" || CheckContainerName(c.Name) != nil {
		t.Errorf("random name %q: %v", c.Name, err)
	}
}

// ociCreate is the runtime's create of c as Start asks for it.
func ociCreate(c *Container) oci.CreateOptions {
	return oci.CreateOptions{Bundle: c.Dir, IO: oci.IO{PidFile: filepath.Join(c.Dir, "pidfile")}}
}

// The monitor's report keeps what the caller needs: the class of the
// failure for the exit code, and the settings the error names.
func TestStartFailureReport(t *testing.T) {
	for _, tc := range []struct {
		err   error
		class error
	}{
		{oci.Classify(errors.New(`exec: "/x": executable file not found in $PATH`)), ErrCommandNotFound},
		{oci.Classify(errors.New(`exec /x: permission denied`)), ErrCannotInvoke},
		{fmt.Errorf("start: %w", setting.Errorf("{network} %s: %s", "pasta", "not installed")), nil},
		{fmt.Errorf("port 80/tcp on 0.0.0.0 is %w", netns.ErrPortInUse), netns.ErrPortInUse},
		{fmt.Errorf("port 80/tcp is a %w", netns.ErrPrivilegedPort), netns.ErrPrivilegedPort},
	} {
		back, ok := decodeFailure(encodeFailure(tc.err))
		if !ok {
			t.Fatalf("decodeFailure(encodeFailure(%v)) not ok", tc.err)
		}
		if back.Error() != tc.err.Error() {
			t.Errorf("text %q, want %q", back.Error(), tc.err.Error())
		}
		if tc.class != nil && !errors.Is(back, tc.class) {
			t.Errorf("%v: lost its class %v", back, tc.class)
		}
		flag := func(n string) string { return "--" + n }
		if got, want := setting.SpellAll(back, flag), setting.SpellAll(tc.err, flag); got != want {
			t.Errorf("spelled %q, want %q", got, want)
		}
	}
	if _, ok := decodeFailure("125"); ok {
		t.Error("a report without a class was read")
	}
}
