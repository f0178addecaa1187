package runtime

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// An orphan re-parented to the monitor is reaped; a child that its own
// waiter collects is never taken from it.
func TestOrphanReaper(t *testing.T) {
	if err := (containerParent{}).adopt(); err != nil {
		t.Skip(err)
	}
	r := reapOrphans(-1)
	defer r.stop()
	// The shell's background child exits first and becomes a zombie,
	// re-parented to this process when the shell exits.
	out, err := exec.Command("/bin/sh", "-c", "true & echo $!; sleep 0.2").Output()
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	// A child whose starter collects it late (here after 400 ms, longer
	// than a sweep's interval) keeps its exit for that starter.
	for n := 0; n < 5; n++ {
		cmd := exec.Command("/bin/true")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(400 * time.Millisecond)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v (its exit was taken)", n, err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for isZombie(orphan) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if isZombie(orphan) {
		t.Errorf("orphan %d still a zombie", orphan)
	}
}
