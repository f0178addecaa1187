package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime/oci"
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
	// Privileged gives the process every capability the container's user
	// namespace allows (podman exec --privileged); the container's
	// seccomp filter stays, as in podman.
	Privileged bool
	// DetachKeys (detachkeys.Parse), typed on the terminal of a process
	// with TTY and Interactive, leave it running: Exec then returns
	// detachkeys.ErrDetached, and the process's output is read and
	// dropped until its terminal closes.
	DetachKeys []byte
}

// runtimeOf returns the driver of the runtime that runs c.
func runtimeOf(env Env, c *Container) (oci.Driver, error) {
	rt, ok := oci.Lookup(env.Runtimes, c.State.Runtime, env.StateDir)
	if !ok {
		return nil, fmt.Errorf("container %s runs under %q, which is not available", c.Name, c.State.Runtime)
	}
	return rt.Driver(c.State.RuntimeArgs), nil
}

// Exec runs a process in the running container c, with the container's
// own security settings, and returns its exit code (0 with o.Detach;
// detachkeys.ErrDetached when the user detached from its terminal: no
// exec_died is recorded then, nobody here sees it exit).
func Exec(ctx context.Context, env Env, c *Container, o ExecOptions, stdio Stdio) (int, error) {
	if err := checkExecTarget(env, c); err != nil {
		return 0, err
	}
	drv, err := runtimeOf(env, c)
	if err != nil {
		return 0, err
	}
	p, cgroupsPath, err := execProcess(env, c, o)
	if err != nil {
		return 0, err
	}
	l := &launch{tty: o.TTY, interactive: o.Interactive, detach: o.Detach, detachKeys: o.DetachKeys, stdio: stdio, running: stdio.Started}
	if c.State.Cgroup != "" && cgroupsPath == "" {
		// The container was born in its cgroup (the runtime does not know
		// it): so is the new process, to be frozen, counted and killed
		// with the rest, when this process may put it there.
		if l.cgroup, err = execCgroup(env, c); err != nil {
			return 0, err
		}
		if l.cgroup != nil {
			defer l.cgroup.Close()
		}
	}
	pf, err := os.CreateTemp(c.Dir, "exec-*.pid")
	if err != nil {
		return 0, fmt.Errorf("exec pid file: %w", err)
	}
	pf.Close()
	l.pidFile = pf.Name()
	defer os.Remove(l.pidFile)
	// The runtime always starts the process detached and husk, as child
	// subreaper, waits for it. The runtime's own errors come before it
	// exits, so they are held back from the process's stderr (the same
	// gate as for run).
	l.create = func(ctx context.Context, lio *launchIO) error {
		io, err := lio.attempt()
		if err != nil {
			return err
		}
		err = drv.Exec(ctx, c.ID, oci.ExecOptions{Process: p, IO: io})
		if err == nil {
			lio.made()
			RecordEvent(env, c, events.Exec)
			return nil
		}
		var re *oci.Error
		if held := lio.failed(); held != "" && errors.As(err, &re) && re.Msg == "" {
			re.Msg = held
		}
		return err
	}
	code, err := l.run(ctx)
	if err == nil && !o.Detach {
		recordEvent(env, c, events.ExecDied, events.ExitCode(code))
	}
	return code, err
}

// checkExecTarget refuses to exec into a container that does not run, is
// paused or cannot be reached.
func checkExecTarget(env Env, c *Container) error {
	if err := Refresh(env, c); err != nil {
		return err
	}
	if !c.Alive() {
		return fmt.Errorf("%w: %s: start it first", ErrNotRunning, c.Name)
	}
	if c.State.Paused {
		return fmt.Errorf("container %s is paused: unpause it first (husk unpause %s)", c.Name, c.Name)
	}
	return checkReachable(c)
}

// execProcess is the process to exec: the container's own (its security
// settings) with the command, environment, terminal, directory and user
// of o. cgroupsPath is the container's config.json's.
func execProcess(env Env, c *Container, o ExecOptions) (*specs.Process, string, error) {
	b, err := c.ReadBundleSpec()
	if err != nil {
		return nil, "", fmt.Errorf("read container %s config: %w", c.Name, err)
	}
	var cs specs.Spec
	if err := json.Unmarshal(b, &cs); err != nil || cs.Process == nil {
		return nil, "", fmt.Errorf("parse container %s config: %v", c.Name, err)
	}
	var cgroupsPath string
	if cs.Linux != nil {
		cgroupsPath = cs.Linux.CgroupsPath
	}
	p := *cs.Process
	if len(o.Args) == 0 {
		return nil, "", fmt.Errorf("no command given")
	}
	p.Args = o.Args
	p.Env = spec.MergeEnv(p.Env, o.Env)
	p.Terminal = o.TTY
	p.ConsoleSize = nil
	if o.Workdir != "" {
		if !filepath.IsAbs(o.Workdir) {
			return nil, "", fmt.Errorf("working directory %q is not absolute", o.Workdir)
		}
		p.Cwd = o.Workdir
	}
	if o.User != "" {
		if err := CheckUser(env, fmt.Sprintf("-u %q", o.User), o.User, &c.Config); err != nil {
			return nil, "", err
		}
		u, err := ResolveUser(cs.Root.Path, o.User)
		if err != nil {
			return nil, "", err
		}
		if err := checkResolvedUser(env, o.User, u, &c.Config); err != nil {
			return nil, "", err
		}
		p.User = specs.User{UID: u.UID, GID: u.GID, AdditionalGids: u.AdditionalGids}
		if p.User.UID != 0 && p.Capabilities != nil {
			p.Capabilities.Effective, p.Capabilities.Permitted = nil, nil
		}
	}
	if o.Privileged {
		p.Capabilities = spec.PrivilegedCapabilities(p.User.UID)
	}
	return &p, cgroupsPath, nil
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
