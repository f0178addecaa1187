package runtime

import (
	"errors"
	"os"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// ErrInterrupted is why a command that was told to stop (SIGINT,
// SIGTERM) while it waited for a container's lock gave up: another husk
// command holds the lock, and the container is left as it was.
var ErrInterrupted = errors.New("interrupted while waiting for another husk command on the container to finish")

// interrupt ends the waits for a container's locks (InterruptWaits); nil:
// they wait for as long as the lock is held.
var interrupt <-chan struct{}

// InterruptWaits makes the waits for a container's locks end with
// ErrInterrupted once done is closed. The command sets it once, before it
// runs (its signal context); processes that do not set it wait.
func InterruptWaits(done <-chan struct{}) { interrupt = done }

// flockWait takes an exclusive lock on f, waiting while another process
// holds it, unless the wait is interrupted (InterruptWaits). On
// ErrInterrupted a goroutine still waits on f's descriptor: the caller
// closes f, and the lock, if it comes, goes with the descriptor.
func flockWait(f *os.File) error {
	fd := int(f.Fd())
	err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
	if !errors.Is(err, unix.EWOULDBLOCK) {
		return err
	}
	logrus.Debugf("waiting for %s: another husk command holds it", f.Name())
	got := make(chan error, 1)
	go func() { got <- flockBlocking(fd) }()
	select {
	case err := <-got:
		return err
	case <-interrupt:
		return ErrInterrupted
	}
}

func flockBlocking(fd int) error {
	for {
		err := unix.Flock(fd, unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
