package attach

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/detachkeys"
)

// Foreground starts c with the attached monitor that spawn starts
// (runtime.SpawnAttachedMonitor) and shows its terminal as a run in the
// foreground does: the caller's terminal goes raw (before the start, so
// that keys typed meanwhile are not the terminal's: ctrl-q would stop its
// output) and gives the container its size,
// what is typed goes to the container until the detach sequence, the
// output is shown and logged, and the terminal signals husk receives go
// to the container. It returns c's exit code once c exited and its
// monitor is done, or ErrDetached (c goes on running; podman prints
// nothing then).
func Foreground(ctx context.Context, env runtime.Env, c *runtime.Container, spawn func() (*runtime.AttachedMonitor, error), o Options) (int, error) {
	t0 := time.Now()
	tlog := func(what string) { logrus.Debugf("timing: attached %s at %v", what, time.Since(t0)) }
	tty := rawTerminal(o.Stdin)
	defer tty.restore()
	m, err := spawn()
	if err != nil {
		return 0, err
	}
	tlog("monitor started the container")
	master, err := m.Terminal()
	tlog("terminal received")
	if err != nil || master == nil {
		// The monitor keeps the terminal: follow c as husk attach does.
		m.Leave()
		tty.restore()
		if err != nil {
			logrus.Debugf("attach to %s: %v", c.Name, err)
		}
		if err := c.Reload(); err != nil {
			return 0, err
		}
		return Attach(ctx, env, c, o)
	}
	defer master.Close()
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(sigs)
	go func() {
		for s := range sigs {
			m.Signal(s)
		}
	}()
	tty.follow(master)
	out, endLog := runtime.TeeLog(c, o.Stdout)
	shown := make(chan struct{})
	go func() {
		// EIO once the container's side of the terminal is closed: the
		// end of its output.
		_, _ = io.Copy(out, master)
		close(shown)
	}()
	detached := make(chan struct{})
	if o.Stdin != nil {
		go func() {
			if _, err := io.Copy(master, detachkeys.NewReader(o.Stdin, o.DetachKeys)); err == ErrDetached {
				close(detached)
			}
		}()
	}
	select {
	case <-shown:
	case <-detached:
		tty.restore()
		if err := endLog(); err != nil {
			logrus.Warnf("log of container %s: %v", c.Name, err)
		}
		m.Leave()
		return 0, ErrDetached
	}
	tty.restore()
	if err := endLog(); err != nil {
		logrus.Warnf("log of container %s: %v", c.Name, err)
	}
	tlog("output ended")
	code, ok := m.Wait()
	tlog("monitor done")
	if !ok {
		return 0, fmt.Errorf("container %s exited, but its monitor could not tell its exit code", c.Name)
	}
	err = m.Finish(ctx, env, c)
	tlog("teardown done")
	return code, err
}

// terminal is the caller's terminal while a container's is shown on it.
type terminal struct {
	f     *os.File // nil: stdin is not a terminal
	saved *term.State
	winch chan os.Signal
}

// rawTerminal puts stdin in raw mode when it is a terminal.
func rawTerminal(stdin io.Reader) *terminal {
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &terminal{}
	}
	st, err := term.MakeRaw(int(f.Fd()))
	if err != nil {
		return &terminal{}
	}
	return &terminal{f: f, saved: st}
}

// follow gives the terminal's size to the container's master, now and on
// every SIGWINCH.
func (t *terminal) follow(master *os.File) {
	if t.f == nil {
		return
	}
	resize := func() {
		ws, err := unix.IoctlGetWinsize(int(t.f.Fd()), unix.TIOCGWINSZ)
		if err != nil {
			return
		}
		// Through Control: Fd would make the master blocking for the
		// monitor too (it shares the open file).
		if rc, err := master.SyscallConn(); err == nil {
			_ = rc.Control(func(fd uintptr) { _ = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, ws) })
		}
	}
	resize()
	t.winch = make(chan os.Signal, 1)
	signal.Notify(t.winch, syscall.SIGWINCH)
	go func(winch chan os.Signal) {
		for range winch {
			resize()
		}
	}(t.winch)
}

// restore puts the terminal back as it was (once).
func (t *terminal) restore() {
	if t.winch != nil {
		signal.Stop(t.winch)
		close(t.winch)
		t.winch = nil
	}
	if t.saved != nil {
		_ = term.Restore(int(t.f.Fd()), t.saved)
		t.saved = nil
	}
}
