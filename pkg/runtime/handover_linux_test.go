package runtime

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// In a program with the C waiter the monitor hands over by executing
// itself; when that exec fails (here: an environment string beyond the
// kernel's 128 KiB limit, E2BIG) it waits in Go on the same pipes, and
// the held stderr still reaches the log. (The waiter itself is tested by
// test/bats/595-monitor-c.bats: this test binary has none.)
func TestMonitorFallsBackWhenExecFails(t *testing.T) {
	t.Setenv("HUSK_TEST_TOO_LONG", strings.Repeat("x", 200<<10))
	h := newTestHost(t)
	h.env.MonitorWaiter = true
	monitorLogsAndRecords(t, h)
}

// A failed create's complaint is read from the held stderr pipe (no gate)
// and still classifies the error.
func TestMonitorStartFailsHeldStderr(t *testing.T) {
	h := newTestHost(t)
	h.env.MonitorWaiter = true
	c := h.create(t, "", func(cfg *Config) { cfg.Command = []string{"/no/such/command"} })
	if err := Monitor(context.Background(), h.env, c); !errors.Is(err, ErrCommandNotFound) {
		t.Errorf("Monitor: %v", err)
	}
}

func TestReadExit(t *testing.T) {
	c := &Container{Dir: t.TempDir()}
	c.State.Pid, c.State.StartTicks = 1234, 99
	for _, tc := range []struct {
		file string
		code int
		ok   bool
	}{
		{"1 1234 99 7 1796521378579452543\n", 7, true},
		{"1 1234 99 137 1796521378579452543\n", 137, true},
		{"1 1234 98 7 1796521378579452543\n", 0, false}, // an earlier process with that pid
		{"1 4321 99 7 1796521378579452543\n", 0, false}, // an earlier run
		{"2 1234 99 7 1796521378579452543\n", 0, false}, // a format this husk does not know
		{"1 1234 99 7\n", 0, false},                     // torn
		{"", 0, false},
	} {
		if err := os.WriteFile(exitFile(c), []byte(tc.file), 0o600); err != nil {
			t.Fatal(err)
		}
		e, ok := readExit(c)
		if ok != tc.ok || e.code != tc.code {
			t.Errorf("%q: got %d %v, want %d %v", tc.file, e.code, ok, tc.code, tc.ok)
		}
		if ok && e.at.UnixNano() != 1796521378579452543 {
			t.Errorf("%q: time %v", tc.file, e.at)
		}
	}
}
