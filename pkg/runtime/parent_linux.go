package runtime

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// containerParent makes this process the parent of the container
// processes it launches. Both of its switches act on the whole process,
// not only on the launch that flips them, which is why every launch goes
// through this one type and nothing else in husk touches them:
//
//   - The child-subreaper flag (prctl PR_SET_CHILD_SUBREAPER), set by
//     adopt. The runtime forks the container's process and exits; the
//     process is then re-parented to this process instead of to init, so
//     that this one can wait for it and learn its exit code. Set by the
//     first launch, it stays set for the rest of the process's life:
//     nothing needs it unset, and a monitor relies on it to reap whatever
//     else is re-parented to it (reapOthers).
//   - The terminal signals (forwardedSignals), caught (signal.Notify) by
//     catchSignals until the launch ends and sent on to the process once
//     its pid is known: ^C in a foreground run must reach the container,
//     not end husk and leave the container behind.
type containerParent struct{}

// forwardedSignals are the signals a launch passes on to its process.
var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// adopt makes this process the child subreaper.
func (containerParent) adopt() error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("become subreaper: %w", err)
	}
	return nil
}

// catchSignals starts catching the terminal signals. The caller stops the
// returned forwarder when its launch ends.
func (containerParent) catchSignals() *signalForwarder {
	f := &signalForwarder{sigs: make(chan os.Signal, 16)}
	signal.Notify(f.sigs, forwardedSignals...)
	return f
}

// signalForwarder holds the signals caught for one launch until they can
// be sent on.
type signalForwarder struct {
	sigs chan os.Signal
}

// to sends the signals caught so far, and those still to come, to pid.
func (f *signalForwarder) to(pid int) {
	go func() {
		for s := range f.sigs {
			_ = syscall.Kill(pid, s.(syscall.Signal))
		}
	}()
}

// stop ends the catching: the signals act on this process again.
func (f *signalForwarder) stop() {
	signal.Stop(f.sigs)
	close(f.sigs)
}
