package runtime

import (
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/childenv"
)

// execWaiter turns the monitor, once the container runs, into the C
// waiter of internal/monwait: the same process (its pid and start time
// stay what the record names, its argv still says "__monitor ID") with no
// Go runtime. The descriptors the waiter serves are passed by number,
// without close-on-exec; everything else of this process is closed by the
// exec. attached is the connection of an attached monitor (nil: none).
// It returns only when the exec failed.
func execWaiter(c *Container, pid int, out *monitorOutput, in *monitorInput, master, attached *os.File) error {
	fds := [5]int{-1, -1, -1, -1, -1} // out, err, in, attach, attached
	pass := func(i int, f *os.File) error {
		if f == nil {
			return nil
		}
		rc, err := f.SyscallConn()
		if err != nil {
			return err
		}
		return rc.Control(func(fd uintptr) { fds[i] = int(fd) })
	}
	var err error
	if master != nil {
		err = pass(0, master)
		if in != nil {
			fds[2] = fds[0]
		}
	} else {
		err = pass(0, out.stdoutR)
		if err == nil && in != nil {
			err = pass(2, in.w)
		}
	}
	if err == nil {
		err = pass(1, out.stderrR)
	}
	if err == nil && in != nil && in.l != nil {
		var lf *os.File
		if lf, err = in.l.File(); err == nil {
			defer lf.Close()
			err = pass(3, lf)
		}
	}
	if err == nil {
		err = pass(4, attached)
	}
	if err != nil {
		return fmt.Errorf("pass the container's descriptors: %w", err)
	}
	env := append(os.Environ(),
		childenv.MonitorWait+"=1",
		childenv.MonPid+"="+strconv.Itoa(pid),
		childenv.MonTicks+"="+strconv.FormatUint(c.State.StartTicks, 10),
		childenv.MonFDs+"="+fmt.Sprintf("%d,%d,%d,%d,%d", fds[0], fds[1], fds[2], fds[3], fds[4]),
		childenv.MonExit+"="+exitFile(c))
	if out.logf != nil {
		l := c.logLimits().Effective()
		env = append(env, childenv.MonLog+"="+c.LogPath(),
			childenv.MonLogMax+"="+strconv.FormatInt(l.MaxSize, 10),
			childenv.MonLogFiles+"="+strconv.Itoa(l.MaxFiles))
	}
	if in != nil && in.l != nil {
		env = append(env, childenv.MonSock+"="+in.path)
	}
	if ms := healthIntervalMS(c); ms > 0 {
		env = append(env, childenv.MonHealthMS+"="+strconv.FormatInt(ms, 10))
	}
	return execBlocked(fds[:], env)
}

// execBlocked executes husk again with env, passing fds, from a thread
// that blocks the signals the waiter reads from a signalfd: the mask
// survives the exec, so a signal sent meanwhile waits for the waiter
// instead of ending the process (the other threads go on forwarding
// until the exec). On failure everything is as before.
func execBlocked(fds []int, env []string) error {
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	var set, old unix.Sigset_t
	for _, s := range append([]os.Signal{unix.SIGCHLD}, forwardedSignals...) {
		n := uint(s.(unix.Signal)) - 1
		set.Val[n/64] |= 1 << (n % 64)
	}
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
		return fmt.Errorf("block signals: %w", err)
	}
	defer func() { _ = unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil) }()
	var passed []int
	defer func() {
		for _, fd := range passed {
			_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}()
	for _, fd := range fds {
		if fd < 0 {
			continue
		}
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0); err != nil {
			return fmt.Errorf("pass descriptor %d: %w", fd, err)
		}
		passed = append(passed, fd)
	}
	return unix.Exec("/proc/self/exe", os.Args, env)
}
