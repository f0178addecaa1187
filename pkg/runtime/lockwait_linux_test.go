package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// holdLock takes the container's lock through a descriptor of its own,
// as another husk command would, until the returned func is called.
func holdLock(t *testing.T, c *Container) func() {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(c.Dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	return func() { f.Close() }
}

// lockAway takes c's lock in a goroutine (and at once lets it go); the
// channel gets how that went. It checks that the goroutine is still
// waiting 100 ms later.
func lockAway(t *testing.T, c *Container) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		unlock, err := c.Lock()
		if err == nil {
			unlock()
		}
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Lock returned %v while the lock was held", err)
	case <-time.After(100 * time.Millisecond):
	}
	return done
}

// result waits up to 5 s for lockAway's outcome.
func result(t *testing.T, done <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Lock still waiting %s", what)
		return nil
	}
}

// A command told to stop while another holds the container's lock gives
// up with ErrInterrupted; one that is not told waits and gets the lock.
func TestLockWaitInterrupted(t *testing.T) {
	c := &Container{Name: "c", Dir: t.TempDir()}
	stop := make(chan struct{})
	InterruptWaits(stop)
	defer InterruptWaits(nil)

	release := holdLock(t, c)
	defer release()
	done := lockAway(t, c)
	close(stop)
	if err := result(t, done, "after the stop"); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Lock after the stop: %v, want ErrInterrupted", err)
	}

	// A free lock is taken even after the stop: a command's teardown
	// after the signal still records its state.
	release()
	unlock, err := c.Lock()
	if err != nil {
		t.Fatalf("free lock after the stop: %v", err)
	}
	unlock()
}

func TestLockWaitsWithoutInterrupt(t *testing.T) {
	c := &Container{Name: "c", Dir: t.TempDir()}
	InterruptWaits(nil)
	release := holdLock(t, c)
	// start.lock is another file: free.
	unlock, err := c.StartLock()
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	done := lockAway(t, c)
	release()
	if err := result(t, done, "after the release"); err != nil {
		t.Fatalf("Lock after the release: %v", err)
	}
}
