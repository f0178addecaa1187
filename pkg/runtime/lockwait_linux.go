package runtime

import (
	"errors"
	"os"
	"time"

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
// holds it, unless the wait is interrupted (InterruptWaits). A wait that
// can be interrupted tries again and again (1 ms apart at first, then up
// to 20 ms): a blocking flock could not be called off, and would take the
// lock later for nothing.
func flockWait(f *os.File) error {
	fd := int(f.Fd())
	err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
	if !errors.Is(err, unix.EWOULDBLOCK) {
		return err
	}
	logrus.Debugf("waiting for %s: another husk command holds it", f.Name())
	if interrupt == nil {
		for {
			if err := unix.Flock(fd, unix.LOCK_EX); !errors.Is(err, unix.EINTR) {
				return err
			}
		}
	}
	for pause := time.Millisecond; ; pause = min(2*pause, 20*time.Millisecond) {
		select {
		case <-interrupt:
			return ErrInterrupted
		case <-time.After(pause):
		}
		err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if !errors.Is(err, unix.EWOULDBLOCK) {
			return err
		}
	}
}
