package runtime

import (
	"context"
	"errors"
	"os/exec"
	"testing"
	"time"
)

// A start waits for the last run's teardown: while a live process is
// marked as tearing the container down, WaitTeardown waits; it returns
// once the mark goes, at once for a mark of its own process, and it
// reconciles a mark whose process is gone.
func TestWaitTeardown(t *testing.T) {
	h := newTestHost(t)
	c := h.create(t, "exit 0")
	unmarkStarting(c)
	if err := WaitTeardown(context.Background(), h.env, c); err != nil {
		t.Fatalf("no teardown: %v", err)
	}

	tearer := exec.Command("sleep", "30")
	if err := tearer.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tearer.Process.Kill(); _ = tearer.Wait() }()
	if err := markStarter(c, tearer.Process.Pid); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- WaitTeardown(context.Background(), h.env, c) }()
	select {
	case err := <-done:
		t.Fatalf("returned during the teardown: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	unmarkStarting(c)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still waiting after the teardown ended")
	}

	// Cancelled while waiting.
	if err := markStarter(c, tearer.Process.Pid); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := WaitTeardown(ctx, h.env, c); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled: %v", err)
	}

	// Its own mark (a monitor restarting the container).
	if err := markStarting(c); err != nil {
		t.Fatal(err)
	}
	if err := WaitTeardown(context.Background(), h.env, c); err != nil {
		t.Fatalf("own mark: %v", err)
	}

	// A teardown whose process died is reconciled: the mark goes.
	if err := markStarter(c, deadPid(t)); err != nil {
		t.Fatal(err)
	}
	if err := WaitTeardown(context.Background(), h.env, c); err != nil {
		t.Fatalf("dead tearer: %v", err)
	}
	if starterGone(c) {
		t.Fatal("the dead tearer's mark stays")
	}
}
