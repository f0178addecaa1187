package runtime

import (
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// healthcheckCommand is the hidden husk command that runs one periodic
// check (the C waiter names it too, in monwait.c).
const healthcheckCommand = "__healthcheck"

// healthIntervalMS is the interval of c's periodic checks in
// milliseconds; 0 when it has none.
func healthIntervalMS(c *Container) int64 {
	if !c.HasHealthcheck() || c.Config.Healthcheck.Interval <= 0 {
		return 0
	}
	return max(1, c.Config.Healthcheck.Interval.Milliseconds())
}

// HealthChecks run a container's periodic checks from a Go monitor (or a
// foreground run), as the C waiter does: "husk [globals] __healthcheck
// ID", one at a time, each in a process group that Stop ends with
// everything it started.
type HealthChecks struct {
	quit, done chan struct{}
}

// startHealthTicker starts the checks of c from its monitor, whose
// arguments name it (nil when it has none).
func startHealthTicker(c *Container) *HealthChecks {
	argv := slices.Clone(os.Args[1:])
	i := slices.Index(argv, "__monitor")
	if i < 0 {
		return nil
	}
	argv[i] = healthcheckCommand
	return StartHealthChecks(c, argv)
}

// StartHealthChecks runs c's periodic checks as "husk ARGV" (husk's
// global arguments, then "__healthcheck ID") while the caller waits for
// c: a foreground run. Nil when c has no periodic checks.
func StartHealthChecks(c *Container, argv []string) *HealthChecks {
	ms := healthIntervalMS(c)
	if ms <= 0 {
		return nil
	}
	t := &HealthChecks{quit: make(chan struct{}), done: make(chan struct{})}
	go t.run(time.Duration(ms)*time.Millisecond, argv)
	return t
}

func (t *HealthChecks) run(every time.Duration, argv []string) {
	defer close(t.done)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-t.quit:
			return
		case <-tick.C:
		}
		cmd := exec.Command("/proc/self/exe", argv...)
		cmd.Args[0] = os.Args[0]
		cmd.Dir = "/"
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if cmd.Start() != nil {
			continue
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-t.quit:
			_ = unix.Kill(-cmd.Process.Pid, unix.SIGKILL)
			<-exited
			return
		}
	}
}

// Stop ends the checks, a running one with them; nil does nothing.
func (t *HealthChecks) Stop() {
	if t == nil {
		return
	}
	close(t.quit)
	<-t.done
}
