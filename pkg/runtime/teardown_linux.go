package runtime

import (
	"context"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// The end of a start: the exit's recording and the teardown.

// exited records the exit of the container's process; err is how waiting
// for it went.
func (s *starter) exited(code int, err error) error {
	c := s.c
	if s.exitTime.IsZero() {
		s.exitTime = time.Now().UTC()
	}
	c.State.Status, c.State.Pid, c.State.ExitCode, c.State.FinishedAt = StatusExited, 0, code, s.exitTime
	c.State.Paused = false
	// A monitor that restarts the container stays its MonitorPid.
	if s.planRestart(code, err); !c.State.Restarting {
		c.State.MonitorPid = 0
	}
	recordEvent(s.env, c, events.Died, events.ExitCode(code))
	if c.Config.Remove && !c.State.Restarting {
		// The teardown that follows records the exit code and removes
		// the record; it saves this state only if the removal fails.
		s.unsaved = true
		return err
	}
	if serr := c.SaveState(); serr != nil && err == nil {
		// "rm -f" from another shell may have removed the container
		// meanwhile: its exit code is still this command's.
		if _, gone := s.env.Store.Container(c.ID); gone == nil {
			err = serr
		}
	}
	return err
}

// unmountEarly unmounts a --rm container's layer as soon as its process
// has exited, beside the rest of the exit's recording, instead of inside
// the removal that follows: the removal then finds it unmounted. (The
// container's own mount namespace held its copy of the mount; nothing of
// the rootfs is read after the exit unless a hook does.)
func (s *starter) unmountEarly() {
	c := s.c
	if !c.Config.Remove || c.Config.Rootfs != "" || s.hooks {
		return
	}
	done := make(chan struct{})
	s.unmounted = done
	go func() {
		defer close(done)
		unmountRoot(s.env, c)
	}()
}

// teardown undoes what the start did: the runtime's delete and the other
// cleanups (unmount, network, cgroup) run side by side to keep --rm
// quick; with --rm the container's storage goes too. Everything is done
// when it returns.
func (s *starter) teardown() error {
	env, c := s.env, s.c
	t1 := time.Now()
	logrus.Debugf("timing: cleanup starts")
	var wg sync.WaitGroup
	goDo := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	if s.drv != nil {
		goDo(func() {
			// A reaped runc container's state goes in-process.
			_ = s.drv.Delete(context.Background(), c.ID, oci.DeleteOptions{Reaped: c.State.Status == StatusExited, KeepCgroup: s.plan.Dir})
			logrus.Debugf("timing: runtime delete took %v", time.Since(t1))
		})
	}
	for _, f := range s.background {
		goDo(f)
	}
	for i := len(s.cleanup) - 1; i >= 0; i-- {
		s.cleanup[i]()
	}
	logrus.Debugf("timing: cleanups took %v", time.Since(t1))
	var err error
	if c.Config.Remove {
		// The record goes, under the container's lock as with rm: a
		// command that holds it is done first. The exit code stays for
		// "husk wait".
		unlock, lerr := c.Lock()
		if c.State.Status == StatusExited {
			recordExit(env, c)
		}
		if s.unmounted != nil {
			<-s.unmounted
		}
		err = removeStorage(env, c)
		if lerr == nil {
			unlock()
		}
		if err == nil {
			removeAnonymousVolumes(env, c)
		} else if s.unsaved {
			_ = c.SaveState()
		}
		logrus.Debugf("timing: storage removed after %v", time.Since(t1))
	}
	wg.Wait()
	unmarkStarting(c)
	if s.drv != nil {
		RecordEvent(env, c, events.Cleanup)
	}
	if c.Config.Remove && err == nil {
		RecordEvent(env, c, events.Remove)
	}
	return err
}
