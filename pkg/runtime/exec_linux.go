package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
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
			return rt, nil
		}
	}
	if len(env.Runtimes) > 0 && c.State.Runtime != "" {
		if p, err := exec.LookPath(c.State.Runtime); err == nil {
			return &OCI{Name: c.State.Runtime, Path: p, Root: filepath.Join(filepath.Dir(env.Runtimes[0].Root), c.State.Runtime)}, nil
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
	rt, err := runtimeOf(env, c)
	if err != nil {
		return 0, err
	}
	b, err := os.ReadFile(c.BundleSpec())
	if err != nil {
		return 0, fmt.Errorf("read container %s config: %w", c.Name, err)
	}
	var spec specs.Spec
	if err := json.Unmarshal(b, &spec); err != nil || spec.Process == nil {
		return 0, fmt.Errorf("parse container %s config: %v", c.Name, err)
	}
	p := *spec.Process
	if len(o.Args) == 0 {
		return 0, fmt.Errorf("no command given")
	}
	p.Args = o.Args
	p.Env = MergeEnv(p.Env, o.Env)
	p.Terminal = o.TTY
	p.ConsoleSize = nil
	if o.Workdir != "" {
		if !filepath.IsAbs(o.Workdir) {
			return 0, fmt.Errorf("working directory %q is not absolute", o.Workdir)
		}
		p.Cwd = o.Workdir
	}
	if o.User != "" {
		u, err := ResolveUser(spec.Root.Path, o.User)
		if err != nil {
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
	args := []string{"--root", rt.Root, "--log", logPath, "--log-format", "json", "exec", "--process", pf.Name()}
	if o.Detach {
		args = append(args, "--detach")
	}
	var console *consoleSocket
	if o.TTY {
		if console, err = newConsoleSocket(); err != nil {
			return 0, err
		}
		defer console.Close()
		args = append(args, "--tty", "--console-socket", console.path)
	}
	cmd := exec.CommandContext(ctx, rt.Path, append(args, c.ID)...)
	cmd.Env = os.Environ()
	if !o.TTY {
		if o.Interactive && !o.Detach {
			cmd.Stdin = stdio.Stdin
		}
		if !o.Detach {
			cmd.Stdout, cmd.Stderr = stdio.Stdout, stdio.Stderr
		}
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("run %s exec: %w", rt.Name, err)
	}
	waitCh := make(chan error, 1)
	go func() { waitCh <- cmd.Wait() }()
	var detach func()
	waited := false
	if console != nil {
		masterCh := make(chan *os.File, 1)
		go func() {
			if m, err := console.receive(); err == nil {
				masterCh <- m
			}
			close(masterCh)
		}()
		select {
		case m, ok := <-masterCh:
			if ok && o.Detach {
				m.Close()
			} else if ok {
				detach = attachConsole(m, stdio.Stdin, stdio.Stdout, o.Interactive)
			}
		case err = <-waitCh:
			waited = true
		}
	}
	if !waited {
		err = <-waitCh
	}
	if detach != nil {
		detach()
	}
	if msg := logMessage(logPath); msg != "" && err != nil {
		return classify(fmt.Errorf("%w: %s exec: %s", ErrRuntime, rt.Name, msg))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, fmt.Errorf("%s exec: %w", rt.Name, err)
	}
	return 0, nil
}
