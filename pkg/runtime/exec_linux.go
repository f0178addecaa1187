package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// ExecOptions describe a process to run in a running container.
type ExecOptions struct {
	Args        []string
	Env         []string
	User        string
	Workdir     string
	Interactive bool
	TTY         bool
	Detach      bool
}

// runtimeOf returns the runtime that runs c.
func runtimeOf(env Env, c *Container) (*OCI, error) {
	for _, rt := range env.Runtimes {
		if rt.Name == c.State.Runtime {
			return rt.With(c.State.RuntimeArgs), nil
		}
	}
	if len(env.Runtimes) > 0 && c.State.Runtime != "" {
		if p, err := exec.LookPath(c.State.Runtime); err == nil {
			return &OCI{Name: c.State.Runtime, Path: p, Root: filepath.Join(filepath.Dir(env.Runtimes[0].Root), c.State.Runtime), Global: c.State.RuntimeArgs}, nil
		}
	}
	return nil, fmt.Errorf("container %s runs under %q, which is not available", c.Name, c.State.Runtime)
}

// Exec runs a process in the running container c, with the container's
// own security settings, and returns its exit code (0 when detached).
func Exec(ctx context.Context, env Env, c *Container, o ExecOptions, stdio Stdio) (int, error) {
	if err := Refresh(env, c); err != nil {
		return 0, err
	}
	if !c.Alive() {
		return 0, fmt.Errorf("%w: %s: start it first", ErrNotRunning, c.Name)
	}
	if c.State.Paused {
		return 0, fmt.Errorf("container %s is paused: unpause it first (husk unpause %s)", c.Name, c.Name)
	}
	if err := checkReachable(c); err != nil {
		return 0, err
	}
	rt, err := runtimeOf(env, c)
	if err != nil {
		return 0, err
	}
	b, err := os.ReadFile(c.BundleSpec())
	if err != nil {
		return 0, fmt.Errorf("read container %s config: %w", c.Name, err)
	}
	var ociSpec specs.Spec
	if err := json.Unmarshal(b, &ociSpec); err != nil || ociSpec.Process == nil {
		return 0, fmt.Errorf("parse container %s config: %v", c.Name, err)
	}
	p := *ociSpec.Process
	if len(o.Args) == 0 {
		return 0, fmt.Errorf("no command given")
	}
	p.Args = o.Args
	p.Env = spec.MergeEnv(p.Env, o.Env)
	p.Terminal = o.TTY
	p.ConsoleSize = nil
	if o.Workdir != "" {
		if !filepath.IsAbs(o.Workdir) {
			return 0, fmt.Errorf("working directory %q is not absolute", o.Workdir)
		}
		p.Cwd = o.Workdir
	}
	if o.User != "" {
		if err := CheckUser(env, fmt.Sprintf("-u %q", o.User), o.User, c.Config.KeepID); err != nil {
			return 0, err
		}
		u, err := ResolveUser(ociSpec.Root.Path, o.User)
		if err != nil {
			return 0, err
		}
		if err := checkResolvedUser(env, o.User, u, c.Config.KeepID); err != nil {
			return 0, err
		}
		p.User = specs.User{UID: u.UID, GID: u.GID, AdditionalGids: u.AdditionalGids}
		if p.User.UID != 0 && p.Capabilities != nil {
			p.Capabilities.Effective, p.Capabilities.Permitted = nil, nil
		}
	}
	pf, err := os.CreateTemp(c.Dir, "exec-*.json")
	if err != nil {
		return 0, fmt.Errorf("exec process file: %w", err)
	}
	defer os.Remove(pf.Name())
	if err := json.NewEncoder(pf).Encode(&p); err != nil {
		pf.Close()
		return 0, fmt.Errorf("exec process file: %w", err)
	}
	if err := pf.Close(); err != nil {
		return 0, fmt.Errorf("exec process file: %w", err)
	}
	logPath := pf.Name() + ".log"
	defer os.Remove(logPath)
	// The runtime always starts the process detached and husk, as child
	// subreaper, waits for it: runc accepts a console socket only so, and
	// the runtime's own errors come before it exits, so they are held back
	// from the process's stderr (the same gate as for run).
	pidFile := pf.Name() + ".pid"
	defer os.Remove(pidFile)
	args := append(append([]string{"--root", rt.Root}, rt.Global...), "--log", logPath, "--log-format", "json", "exec", "--detach", "--pid-file", pidFile, "--process", pf.Name())
	var console *consoleSocket
	if o.TTY {
		if console, err = newConsoleSocket(); err != nil {
			return 0, err
		}
		defer console.Close()
		args = append(args, "--tty", "--console-socket", console.path)
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return 0, fmt.Errorf("become subreaper: %w", err)
	}
	cmd := exec.CommandContext(ctx, rt.Path, append(args, c.ID)...)
	cmd.Env = os.Environ()
	if c.State.Cgroup != "" && (ociSpec.Linux == nil || ociSpec.Linux.CgroupsPath == "") {
		// The container was born in its cgroup (the runtime does not know
		// it): so is the new process, to be frozen, counted and killed
		// with the rest, when this process may put it there.
		cg, err := execCgroup(env, c)
		if err != nil {
			return 0, err
		}
		if cg != nil {
			defer cg.Close()
			cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: int(cg.Fd())}
		}
	}
	var gate *stderrGate
	if !o.TTY && !o.Detach {
		if o.Interactive {
			cmd.Stdin = stdio.Stdin
		}
		cmd.Stdout = stdio.Stdout
		if stdio.Stderr != nil {
			if gate, err = newStderrGate(stdio.Stderr); err != nil {
				return 0, err
			}
			cmd.Stderr = gate.writer()
		}
	}
	var masterCh chan *os.File
	if console != nil {
		masterCh = make(chan *os.File, 1)
		go func() {
			if m, err := console.receive(); err == nil {
				masterCh <- m
			}
			close(masterCh)
		}()
	}
	err = cmd.Run()
	if err != nil {
		msg := logMessage(logPath)
		if gate != nil {
			if held := runtimeMessage(gate.failed()); msg == "" {
				msg = held
			}
		}
		if msg == "" {
			msg = err.Error()
		}
		return classify(fmt.Errorf("%w: %s exec: %s", ErrRuntime, rt.Name, msg))
	}
	if gate != nil {
		gate.release()
	}
	pid, err := readPid(pidFile)
	if err != nil {
		return 0, err
	}
	var detach func()
	if console != nil {
		select {
		case m, ok := <-masterCh:
			if ok && o.Detach {
				m.Close()
			} else if ok {
				detach = attachConsole(m, stdio.Stdin, stdio.Stdout, o.Interactive)
			}
		case <-time.After(5 * time.Second):
			return 0, fmt.Errorf("the runtime sent no terminal")
		}
	}
	if o.Detach {
		return 0, nil
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(sigs)
	go func() {
		for s := range sigs {
			_ = unix.Kill(pid, s.(syscall.Signal))
		}
	}()
	code, err := wait(pid)
	if detach != nil {
		detach()
	}
	if gate != nil {
		gate.drain(time.Second)
	}
	return code, err
}

// execCgroup opens the container's cgroup for a new process. From a shell
// whose cgroup lies outside the user's delegated subtree, the kernel
// refuses to put a process there: without limits the process then stays
// in the shell's cgroup (with a warning: pause and stats miss it); with
// limits, exec is refused, as the process would escape them.
func execCgroup(env Env, c *Container) (*os.File, error) {
	if env.Cgroups != nil && env.Cgroups.Mount != "" {
		if ok, blocker := cgroups.CanEnter(env.Cgroups.Mount, env.Cgroups.Own, c.State.Cgroup); !ok {
			where := filepath.Join(env.Cgroups.Mount, env.Cgroups.Own)
			if !c.Config.Resources.Empty() {
				return nil, fmt.Errorf("exec in %s: the process cannot join the container's cgroup %s from this shell's cgroup %s (%s is not yours to write), and would escape the container's limits: run husk exec from a shell inside the cgroup delegated to you", c.Name, c.State.Cgroup, where, blocker)
			}
			logrus.Warnf("exec in %s: the process stays in this shell's cgroup %s: it cannot join the container's cgroup %s from there (%s is not yours to write), so pause and stats do not cover it", c.Name, where, c.State.Cgroup, blocker)
			return nil, nil
		}
	}
	return cgroups.OpenDir(c.State.Cgroup)
}
