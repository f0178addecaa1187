//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

// Only the commands that have nothing to clean up give up a lock wait
// when told to stop: a foreground run's teardown must go on waiting.
func TestInterruptibleWaits(t *testing.T) {
	_, root := newApp(nil, &bytes.Buffer{}, &bytes.Buffer{})
	cases := map[string]bool{}
	for _, args := range []string{"rm", "container rm", "stop", "container stop", "kill", "pod rm", "pod stop", "container prune", "network connect"} {
		cases[args] = true
	}
	for _, args := range []string{"run", "start", "exec", "attach", "image rm", "image prune", "volume rm", "network rm"} {
		cases[args] = false
	}
	for args, want := range cases {
		cmd, _, err := root.Find(strings.Fields(args))
		if err != nil {
			t.Fatalf("%s: %v", args, err)
		}
		if got := interruptibleWaits(cmd); got != want {
			t.Errorf("%s (%s): interruptible %v, want %v", args, cmd.CommandPath(), got, want)
		}
	}
}

// A command that gave up a lock wait on a signal exits as the signal
// would have ended it (128 + N), with the reason; without a recorded
// signal, husk's own code.
func TestInterruptedExitCode(t *testing.T) {
	err := fmt.Errorf("lock container c: %w", runtime.ErrInterrupted)
	var stderr bytes.Buffer
	stopSignal.Store(int32(syscall.SIGTERM))
	defer stopSignal.Store(0)
	if code := exitCode(err, &stderr); code != 143 {
		t.Errorf("exit code %d after SIGTERM, want 143", code)
	}
	if want := "husk: lock container c: " + runtime.ErrInterrupted.Error() + "\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	stopSignal.Store(0)
	if code := exitCode(err, &bytes.Buffer{}); code != exitHusk {
		t.Errorf("exit code %d without a signal, want %d", code, exitHusk)
	}
	if !errors.Is(err, runtime.ErrInterrupted) {
		t.Fatal("wrapped error lost ErrInterrupted")
	}
}
