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

// A command told to stop while another holds the container's lock gives
// up with ErrInterrupted; one that is not told waits and gets the lock.
func TestLockWaitInterrupted(t *testing.T) {
	c := &Container{Name: "c", Dir: t.TempDir()}
	stop := make(chan struct{})
	InterruptWaits(stop)
	defer InterruptWaits(nil)

	release := holdLock(t, c)
	defer release()
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
	close(stop)
	select {
	case err := <-done:
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("Lock after the stop: %v, want ErrInterrupted", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Lock went on waiting after the stop")
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
	done := make(chan error, 1)
	go func() {
		unlock, err := c.StartLock() // start.lock: a different file, free
		if err == nil {
			unlock()
		}
		unlock, err = c.Lock()
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
	release()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Lock after the release: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Lock did not get the released lock")
	}
}
