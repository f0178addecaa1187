package userns

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/husk-dev/husk/internal/childenv"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// PauseArg is the argument that makes husk the pause process: it holds
// the user and mount namespace that every later command joins (join.c), so
// that containers and mounts made by one command are reachable by the next.
const PauseArg = "__pause"

// PausePidFile is where the pause process's pid is published.
func PausePidFile(runtimeDir string) string {
	return filepath.Join(runtimeDir, "husk", "pause.pid")
}

// PausePid returns the pid of a live pause process for runtimeDir, with the
// same checks join.c makes before joining it.
func PausePid(runtimeDir string) (int, bool) {
	uid := uint32(os.Geteuid())
	if s := Current(); s.Rootless {
		uid = s.UID
	}
	path := PausePidFile(runtimeDir)
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return 0, false
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || (st.Uid != uid && st.Uid != 0) {
		return 0, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return 0, false
	}
	args := bytes.Split(cmdline, []byte{0})
	if len(args) < 2 || string(args[1]) != PauseArg {
		return 0, false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' || stat[i+2] == 'X' {
		return 0, false
	}
	return pid, true
}

// EnsurePause makes sure a pause process holds the user's namespace,
// starting one if needed. Concurrent first commands serialize on a lock,
// so exactly one pause process results.
func EnsurePause(runtimeDir string, opts ReexecOptions) error {
	dir := filepath.Join(runtimeDir, "husk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "pause.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("open pause lock: %w", err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("lock pause process: %w", err)
	}
	if _, ok := PausePid(runtimeDir); ok {
		return nil
	}
	// The run directory was wiped (its pid file with it) while the pause
	// process lives on: publish it again rather than leaking it and
	// losing the containers in its namespaces.
	if pids := findPause(runtimeDir); len(pids) > 0 {
		if err := publishPid(PausePidFile(runtimeDir), pids[0]); err == nil {
			if _, ok := PausePid(runtimeDir); ok {
				return nil
			}
		}
	}
	if opts.Adopt != nil {
		for _, a := range opts.Adopt() {
			if err := adoptPause(runtimeDir, a, opts.PauseArgs); err == nil {
				if _, ok := PausePid(runtimeDir); ok {
					return nil
				}
			}
		}
	}
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("create pipe: %w", err)
	}
	defer readyR.Close()
	cmd, err := startMapped(opts, append([]string{PauseArg}, opts.PauseArgs...), func(c *exec.Cmd) {
		c.Stdin, c.Stdout, c.Stderr = nil, nil, nil
		c.Dir = "/"
		c.ExtraFiles = append(c.ExtraFiles, readyW) // fd 5
		c.Env = append(c.Env,
			"_Containers-setsid=1",
			childenv.PausePidFile+"="+PausePidFile(runtimeDir),
			childenv.PauseReadyFD+"=5",
		)
	})
	readyW.Close()
	if err != nil {
		return fmt.Errorf("start pause process: %w", err)
	}
	done := make(chan error, 1)
	go func() {
		b := make([]byte, 1)
		n, err := readyR.Read(b)
		if n == 1 {
			done <- nil
			return
		}
		done <- fmt.Errorf("pause process exited before it was ready: %v", err)
	}()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		err = errors.New("pause process not ready after 10s")
	}
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return err
	}
	// The pause process outlives this command; it is reaped by whoever
	// inherits it.
	return cmd.Process.Release()
}

// RunPause is the pause process: publish the pid, report ready, then sleep
// until killed. It runs inside the new namespace.
func RunPause() {
	pidFile := os.Getenv(childenv.PausePidFile)
	readyFD, _ := strconv.Atoi(os.Getenv(childenv.PauseReadyFD))
	if pidFile == "" || readyFD < 3 {
		fmt.Fprintln(os.Stderr, "husk: __pause is internal to husk")
		os.Exit(125)
	}
	// Never publish a pause process outside a user namespace (a failed
	// adoption would leave this one in the host's).
	if os.Geteuid() != 0 || !Current().Rootless {
		os.Exit(125)
	}
	tmp := pidFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600); err != nil {
		os.Exit(125)
	}
	if err := os.Rename(tmp, pidFile); err != nil {
		os.Exit(125)
	}
	// Keep nothing of the creator's: no cwd, no inherited descriptors but
	// the readiness pipe, which join.c writes to after the exec below.
	_ = os.Chdir("/")
	closeExtraFDs(readyFD)
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGPIPE, syscall.SIGUSR1, syscall.SIGUSR2)
	// Wait in join.c's constructor instead of in Go: the same pid and
	// namespaces, a fraction of the memory. Ignored signals stay ignored
	// across exec.
	env := append(os.Environ(), childenv.PauseSleep+"=1")
	_ = syscall.Exec("/proc/self/exe", os.Args, env)
	for {
		_ = unix.Pause()
	}
}

func closeExtraFDs(keep int) {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd < 3 || fd == keep {
			continue
		}
		// Go's own descriptors (epoll, the runtime's pipe) are CLOEXEC
		// and harmless; inherited ones are what matters.
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err == nil && flags&unix.FD_CLOEXEC == 0 {
			unix.Close(fd)
		}
	}
}

// StopPause kills the pause process (by the pid it published, and any
// other one made for the same run directory whose pid file was lost) and
// removes its pid file. Running containers keep their namespaces.
func StopPause(runtimeDir string) error {
	pids := findPause(runtimeDir)
	if pid, ok := PausePid(runtimeDir); ok && !slices.Contains(pids, pid) {
		pids = append(pids, pid)
	}
	for _, pid := range pids {
		if err := unix.Kill(pid, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("stop pause process %d: %w", pid, err)
		}
	}
	_ = os.Remove(PausePidFile(runtimeDir))
	return nil
}

// findPause lists this user's live pause processes made for runtimeDir
// (their environment names its pid file), in pid order.
func findPause(runtimeDir string) []int {
	uid := uint32(os.Geteuid())
	if s := Current(); s.Rootless {
		uid = s.UID
	}
	want := []byte(childenv.PausePidFile + "=" + PausePidFile(runtimeDir))
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		var st unix.Stat_t
		if unix.Stat("/proc/"+e.Name(), &st) != nil || st.Uid != uid {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		args := bytes.Split(cmdline, []byte{0})
		if len(args) < 2 || string(args[1]) != PauseArg {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil || !slices.ContainsFunc(bytes.Split(env, []byte{0}), func(v []byte) bool { return bytes.Equal(v, want) }) {
			continue
		}
		if stat, err := os.ReadFile("/proc/" + e.Name() + "/stat"); err == nil {
			if i := bytes.LastIndexByte(stat, ')'); i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' || stat[i+2] == 'X' {
				continue
			}
		}
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	return pids
}

// publishPid writes a pid file atomically.
func publishPid(path string, pid int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// JoinByExec re-executes this program so that join.c joins the pause
// process's namespaces before the Go runtime starts. It returns only on
// failure.
func JoinByExec(runtimeDir string) error {
	env := append(os.Environ(), "XDG_RUNTIME_DIR="+runtimeDir, envJoinExpected+"=1")
	err := syscall.Exec("/proc/self/exe", os.Args, env)
	return fmt.Errorf("re-execute husk to join its namespace: %w", err)
}

// envJoinExpected marks a husk that was executed to join: if the join did
// not happen, it must not try again (no loops).
const envJoinExpected = childenv.JoinExpected

// JoinWasExpected reports whether this process was executed to join.
func JoinWasExpected() bool { return os.Getenv(envJoinExpected) == "1" }

// adoptPause starts a pause process that joins the namespaces a process
// lives in (join.c does the joining, as for any command).
func adoptPause(runtimeDir string, a Adoptee, args []string) error {
	pid := a.Pid
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer readyR.Close()
	cmd := exec.Command("/proc/self/exe", append([]string{PauseArg}, args...)...)
	cmd.Args[0] = os.Args[0]
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{readyW}
	cmd.Env = append(os.Environ(),
		"XDG_RUNTIME_DIR="+runtimeDir,
		childenv.AdoptPID+"="+strconv.Itoa(pid),
		childenv.AdoptKind+"="+string(a.Kind),
		childenv.PausePidFile+"="+PausePidFile(runtimeDir),
		childenv.PauseReadyFD+"=3",
	)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	readyW.Close()
	if err != nil {
		return err
	}
	done := make(chan bool, 1)
	go func() {
		b := make([]byte, 1)
		n, _ := readyR.Read(b)
		done <- n == 1
	}()
	select {
	case ok := <-done:
		if ok {
			return cmd.Process.Release()
		}
	case <-time.After(5 * time.Second):
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return fmt.Errorf("adopt the namespaces of process %d: the new pause process did not start", pid)
}
