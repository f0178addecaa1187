package runtime

import (
	"os/exec"
	"testing"
	"time"
)

// endedChild tells a child that has exited (and waits to be reaped) from
// one that runs, and leaves it to be reaped.
func TestEndedChild(t *testing.T) {
	run := exec.Command("sleep", "5")
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = run.Process.Kill(); _ = run.Wait() }()
	if endedChild(run.Process.Pid) {
		t.Fatal("a sleeping child counts as ended")
	}
	done := exec.Command("true")
	if err := done.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !endedChild(done.Process.Pid) {
		if time.Now().After(deadline) {
			t.Fatal("an exited child never counts as ended")
		}
		time.Sleep(time.Millisecond)
	}
	// Still there to be reaped, with its status.
	if err := done.Wait(); err != nil {
		t.Fatalf("reaping it after endedChild: %v", err)
	}
	if endedChild(1) {
		t.Fatal("a process that is not a child counts as ended")
	}
}
