package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	cstorage "go.podman.io/storage"
	"go.podman.io/storage/pkg/idtools"
	"golang.org/x/sys/unix"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/spec"
	"github.com/husk-dev/husk/pkg/storage"
)

// Env is what running containers needs from the host, decided once by the
// caller.
type Env struct {
	Store *storage.Store
	// Runtimes to try in order; later ones are fallbacks used (with a
	// notice) only when an earlier one refuses the host.
	Runtimes []*OCI
	// Volumes keeps named volumes.
	Volumes *VolumeStore
	// Rootless: husk runs in a user namespace as the user.
	Rootless bool
	// SingleID: that namespace maps only the user (no subordinate ids).
	SingleID bool
	// HostUID/HostGID are the user's ids on the host (keep-id).
	HostUID, HostGID uint32
	// Notices receives one-line notices (runtime fallback).
	Notices io.Writer
	// StateDir is where runtime refusals are remembered ("" to forget).
	StateDir string
	// Cgroups is the host's cgroup set-up (nil: not detected, no cgroups).
	Cgroups *cgroups.Info
}

// Stdio are the streams of a container.
type Stdio struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Started, if set, is called once the container's process runs.
	Started func(pid int)
}

// Exit codes husk uses for failures around the container's command.
const (
	ExitCannotInvoke = 126
	ExitNotFound     = 127
)

// ErrCannotInvoke and ErrCommandNotFound classify runtime errors about the
// container's command.
var (
	ErrCannotInvoke    = errors.New("container command cannot be invoked")
	ErrCommandNotFound = errors.New("container command not found")
)

// Create records a new container for an image already in the store. The
// rootfs is not mounted until Start.
func Create(ctx context.Context, env Env, cfg Config) (*Container, error) {
	img, _, err := env.Store.Lookup(cfg.Image)
	if err != nil {
		return nil, err
	}
	cfg.ImageID = img.ID
	if cfg.Name == "" {
		cfg.Name = randomName()
	} else if err := validName(cfg.Name); err != nil {
		return nil, err
	}
	if cfg.Network == "" {
		cfg.Network = spec.NetworkNone
	}
	if err := checkResources(env, cfg); err != nil {
		return nil, err
	}
	// A --rm container does not outlive a reboot: its records go to the
	// run root without fsync (as podman does), which saves most of the
	// storage work of a short run.
	opts := &cstorage.ContainerOptions{Volatile: cfg.Remove}
	if cfg.KeepID {
		if !env.Rootless {
			return nil, fmt.Errorf("--userns=keep-id is for rootless use: as root the container already runs with your ids")
		}
		uidMap, gidMap := keepIDMaps(env)
		opts.UIDMap = toIDMap(uidMap)
		opts.GIDMap = toIDMap(gidMap)
	}
	var exposed map[string]struct{}
	imageUser := ""
	if ic, err := env.Store.ImageConfig(img.ID); err == nil {
		if cfg.StopSignal == "" {
			cfg.StopSignal = ic.Config.StopSignal
		}
		exposed = ic.Config.ExposedPorts
		imageUser = ic.Config.User
	}
	if err := checkCreateUser(env, cfg, imageUser); err != nil {
		return nil, err
	}
	if err := normalizeNetwork(env, &cfg, exposed); err != nil {
		return nil, err
	}
	sc, err := env.Store.CreateContainer("", []string{cfg.Name}, img.ID, "", storageMetadata, opts)
	if err != nil {
		if errors.Is(err, cstorage.ErrDuplicateName) {
			return nil, fmt.Errorf("the container name %q is already in use: remove that container or choose another name", cfg.Name)
		}
		return nil, fmt.Errorf("create container: %w", err)
	}
	dir, err := env.Store.ContainerDirectory(sc.ID)
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		_ = env.Store.DeleteContainer(sc.ID)
		return nil, fmt.Errorf("container directory: %w", err)
	}
	c := &Container{ID: sc.ID, Name: cfg.Name, Config: cfg, Dir: dir,
		State: State{Status: StatusCreated, CreatedAt: time.Now().UTC()}}
	// This process works on the container until Start has it running (run)
	// or Prepare has written its bundle (create): a kill in between leaves
	// a container a later command reconciles (a --rm one is removed).
	err = markStarting(c)
	if err == nil {
		err = c.Save()
	}
	if err != nil {
		_ = env.Store.DeleteContainer(sc.ID)
		return nil, err
	}
	return c, nil
}

// checkResources refuses, before anything is created or started, limits
// that are invalid or that the host cannot enforce.
func checkResources(env Env, cfg Config) error {
	if err := cfg.Resources.Validate(); err != nil {
		return err
	}
	if cfg.Resources.Empty() {
		return nil
	}
	if env.Cgroups == nil {
		return fmt.Errorf("%s needs cgroups, which husk could not inspect on this host", cfg.Resources.Limits()[0].Flag)
	}
	return env.Cgroups.Check(cfg.Resources, cfg.CgroupsDisabled)
}

// runtimeCgroupArgs are the runtime's global flags for a cgroup plan.
func runtimeCgroupArgs(rt *OCI, plan cgroups.Plan, disabled bool) []string {
	switch {
	case rt.Name == "crun" && disabled:
		return []string{"--cgroup-manager=disabled"}
	case rt.Name == "crun" && plan.Systemd:
		return []string{"--cgroup-manager=systemd"}
	case rt.Name == "crun":
		return []string{"--cgroup-manager=cgroupfs"}
	case plan.Systemd:
		return []string{"--systemd-cgroup"}
	}
	return nil
}

// keepIDMaps maps the user's own uid/gid inside the container to the
// user's ids on the host (ns id 0), and the rest around it.
func keepIDMaps(env Env) ([]spec.IDMap, []spec.IDMap) {
	build := func(id uint32) []spec.IDMap {
		if env.SingleID {
			return []spec.IDMap{{ContainerID: id, HostID: 0, Size: 1}}
		}
		const size = 65536
		m := []spec.IDMap{{ContainerID: 0, HostID: 1, Size: id}, {ContainerID: id, HostID: 0, Size: 1}}
		if id+1 < size {
			m = append(m, spec.IDMap{ContainerID: id + 1, HostID: id + 1, Size: size - id - 1})
		}
		if id == 0 {
			m = m[1:]
		}
		return m
	}
	return build(env.HostUID), build(env.HostGID)
}

func toIDMap(m []spec.IDMap) []idtools.IDMap {
	var out []idtools.IDMap
	for _, e := range m {
		out = append(out, idtools.IDMap{ContainerID: int(e.ContainerID), HostID: int(e.HostID), Size: int(e.Size)})
	}
	return out
}

// Prepare writes the bundle's config.json for a created container, so
// that inspect shows the complete security profile before it first runs.
// Start writes it again (the mount may differ).
func Prepare(ctx context.Context, env Env, c *Container) error {
	rootfs, err := env.Store.Mount(c.ID, "")
	if err != nil {
		return fmt.Errorf("mount container %s: %w", c.Name, err)
	}
	defer func() { _, _ = env.Store.Unmount(c.ID, false) }()
	np := netPlan{info: netns.ModeInfo(c.Config.Net.Mode)}
	if c.Config.Net.OwnNamespace() {
		np.nsPath = netns.NetnsPath(netRunDir(env), c.ID)
	}
	spec, err := buildSpec(ctx, env, c, rootfs, np)
	if err != nil {
		return err
	}
	if env.Cgroups != nil {
		spec.Linux.CgroupsPath, spec.Linux.Resources = env.Cgroups.SpecFor(c.ID, c.Config.Resources, c.Config.CgroupsDisabled)
	}
	if err := writeSpec(c, spec); err != nil {
		return err
	}
	unmarkStarting(c) // created: nothing more is in progress
	return nil
}

func writeSpec(c *Container, spec any) error {
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config.json: %w", err)
	}
	if err := os.WriteFile(c.BundleSpec(), b, 0o600); err != nil {
		return fmt.Errorf("write config.json: %w", err)
	}
	return nil
}

// Start builds the bundle, runs the container in the foreground with the
// given stdio and returns its exit code. The lifecycle follows the runtime
// spec: create, start, wait, delete. With cfg.Remove everything of the
// container goes afterwards, also when something fails.
func Start(ctx context.Context, env Env, c *Container, stdio Stdio) (code int, err error) {
	if c.State.Status == StatusRunning {
		return 0, fmt.Errorf("container %s is already running", c.Name)
	}
	// Limits the host cannot enforce (any more) are refused before
	// anything is mounted, attached or started.
	if err := checkResources(env, c.Config); err != nil {
		return 0, err
	}
	cleanup := []func(){}
	// Cleanup steps that run in the background finish before Start returns.
	var waitCleanup []chan struct{}
	// The runtime's delete and the storage cleanup are independent; they
	// run side by side to keep --rm quick.
	var runtimeDelete func()
	defer func() {
		done := make(chan struct{})
		t1 := time.Now()
		logrus.Debugf("timing: cleanup starts")
		go func() {
			if runtimeDelete != nil {
				runtimeDelete()
				logrus.Debugf("timing: runtime delete took %v", time.Since(t1))
			}
			close(done)
		}()
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
		logrus.Debugf("timing: cleanups took %v", time.Since(t1))
		if c.Config.Remove {
			// The record goes; the exit code stays for "husk wait".
			if c.State.Status == StatusExited {
				recordExit(env, c)
			}
			if rerr := removeStorage(env, c); rerr != nil && err == nil {
				err = rerr
			}
			logrus.Debugf("timing: storage removed after %v", time.Since(t1))
		}
		for _, ch := range waitCleanup {
			<-ch
		}
		<-done
		unmarkStarting(c)
	}()
	t0 := time.Now()
	tlog := func(what string) { logrus.Debugf("timing: %s at %v", what, time.Since(t0)) }
	rootfs, err := env.Store.Mount(c.ID, "")
	tlog("mounted")
	if err != nil {
		return 0, fmt.Errorf("mount container %s: %w", c.Name, err)
	}
	if !c.Config.Remove {
		// (A --rm container is unmounted as it is deleted.)
		cleanup = append(cleanup, func() { _, _ = env.Store.Unmount(c.ID, false) })
	}

	np, err := prepareNetwork(ctx, env, c)
	if err != nil {
		return 0, err
	}
	if np.attachment != nil {
		cleanup = append(cleanup, func() {
			if err := netns.Detach(netRunDir(env), c.ID); err != nil {
				logrus.Warnf("%v", err)
			}
		})
	}
	tlog("network prepared")
	spec, err := buildSpec(ctx, env, c, rootfs, np)
	if err != nil {
		return 0, err
	}
	tlog("spec built")
	plan, cgfd, err := placeCgroup(env, c, spec)
	if err != nil {
		return 0, err
	}
	if plan.Dir != "" {
		// Removed alongside the rest of the cleanup: the kernel may still
		// count the last processes for a moment after the init was reaped.
		cleanup = append(cleanup, func() {
			cgDone := make(chan struct{})
			go func() {
				if err := cgroups.Remove(plan.Dir); err != nil {
					logrus.Warnf("%v", err)
				}
				close(cgDone)
			}()
			waitCleanup = append(waitCleanup, cgDone)
		})
	}
	if cgfd != nil {
		defer cgfd.Close()
	}
	if err := writeSpec(c, spec); err != nil {
		return 0, err
	}
	// From here until the process runs, a kill of this process leaves
	// things that a later command must clean up (reconcileStart).
	if err := markStarting(c); err != nil {
		return 0, err
	}

	// Become the container's parent once the runtime's create exits.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return 0, fmt.Errorf("become subreaper: %w", err)
	}
	var console *consoleSocket
	if c.Config.TTY {
		if console, err = newConsoleSocket(); err != nil {
			return 0, err
		}
		cleanup = append(cleanup, func() { _ = console.Close() })
	}
	stdin := stdio.Stdin
	if !c.Config.Interactive || c.Config.TTY {
		devnull, err := os.Open(os.DevNull)
		if err != nil {
			return 0, err
		}
		defer devnull.Close()
		stdin = devnull
	}
	// Signals are caught from here on and forwarded once the container's
	// pid is known: a signal arriving while the runtime starts the
	// container must reach it, not cancel the start.
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(sigs)
	pidFile := filepath.Join(c.Dir, "pidfile")
	_ = os.Remove(pidFile)
	var rt *OCI
	var masterCh chan *os.File
	var gate *stderrGate
	for i, cand := range env.Runtimes {
		if console != nil {
			masterCh = make(chan *os.File, 1)
			go func() {
				m, err := console.receive()
				if err != nil {
					close(masterCh)
					return
				}
				masterCh <- m
			}()
		}
		// Without a network helper to wait for, nothing happens in the
		// created state (the cgroup is given to the runtime), so create
		// and start are one runtime call. A terminal gets its size in the
		// created state, before the process can look at it.
		startNow := console == nil && np.attachment == nil
		co := CreateOptions{StartNow: startNow, Bundle: c.Dir, PidFile: pidFile, Stdin: stdin, Stdout: stdio.Stdout, Stderr: stdio.Stderr}
		if console != nil {
			co.ConsoleSocket = console.path
			co.Stdin, co.Stdout, co.Stderr = nil, nil, nil
		} else if stdio.Stderr != nil {
			if gate, err = newStderrGate(stdio.Stderr); err != nil {
				return 0, fmt.Errorf("stderr pipe: %w", err)
			}
			co.Stderr = gate.writer()
		}
		cand = cand.With(runtimeCgroupArgs(cand, plan, c.Config.CgroupsDisabled))
		co.CgroupFD = cgfd
		err = cand.Create(context.Background(), c.ID, co)
		if err == nil {
			rt = cand
			if gate != nil {
				gate.release()
			}
			break
		}
		if gate != nil {
			if msg := runtimeMessage(gate.failed()); msg != "" && !strings.Contains(err.Error(), msg) {
				err = fmt.Errorf("%w (%s)", err, msg)
			}
			gate = nil
		}
		_ = cand.Delete(context.Background(), c.ID, true)
		if i+1 < len(env.Runtimes) && refusesHost(err) {
			reason := runtimeMessage(err.Error())
			if env.Notices != nil {
				fmt.Fprintf(env.Notices, "husk: notice: %s cannot run containers on this host (%s); using %s\n", cand.Name, reason, env.Runtimes[i+1].Name)
			}
			if env.StateDir != "" {
				RememberRefusal(env.StateDir, cand.Name, reason)
			}
			continue
		}
		if refusesHost(err) {
			err = fmt.Errorf("%w; choose another runtime with --runtime (e.g. --runtime runc)", err)
		}
		return classify(err)
	}
	tlog("created")
	c.State.Runtime, c.State.RuntimeArgs = rt.Name, rt.Global
	runtimeDelete = func() {
		if c.State.Status == StatusExited {
			_ = rt.DeleteStopped(context.Background(), c.ID, plan.Dir)
		} else {
			_ = rt.Delete(context.Background(), c.ID, true)
		}
	}
	pid, err := readPid(pidFile)
	if err != nil {
		return 0, err
	}
	if err := recordCgroup(env, c, plan, pid); err != nil {
		_ = unix.Kill(pid, unix.SIGKILL)
		_, _ = wait(pid)
		return 0, err
	}
	var detachConsole func()
	if console != nil {
		m, ok := <-masterCh
		if !ok || m == nil {
			return 0, fmt.Errorf("the runtime sent no terminal")
		}
		detachConsole = attachConsole(m, stdio.Stdin, stdio.Stdout, c.Config.Interactive)
	}

	go func() {
		for s := range sigs {
			_ = unix.Kill(pid, s.(syscall.Signal))
		}
	}()

	// The process that waits for the container (a monitor, or this
	// foreground husk) is what other commands wait for to record the exit.
	if c.State.MonitorPid == 0 {
		c.State.MonitorPid = os.Getpid()
	}
	c.State.Net = &np.info
	c.State.Status, c.State.Pid, c.State.StartedAt = StatusRunning, pid, time.Now().UTC()
	c.State.StartTicks, c.State.ExitCode, c.State.Error = procStartTicks(pid), 0, ""
	if err := c.SaveState(); err != nil {
		_ = unix.Kill(pid, unix.SIGKILL)
		return 0, err
	}
	if np.attachment != nil {
		if err := np.attachment.Ready(); err != nil {
			_ = unix.Kill(pid, unix.SIGKILL)
			_, _ = wait(pid)
			c.State.Status, c.State.FinishedAt = StatusExited, time.Now().UTC()
			_ = c.SaveState()
			return 0, err
		}
		tlog("network ready")
	}
	if console != nil || np.attachment != nil {
		if err := rt.Start(context.Background(), c.ID); err != nil {
			_ = unix.Kill(pid, unix.SIGKILL)
			_, _ = wait(pid)
			c.State.Status, c.State.FinishedAt = StatusExited, time.Now().UTC()
			_ = c.SaveState()
			return classify(err)
		}
	}
	unmarkStarting(c)
	if stdio.Started != nil {
		stdio.Started(pid)
	}
	tlog("started")
	code, err = wait(pid)
	tlog("exited")
	// The teardown, as the start, must be finished by a later command if
	// this process is killed in the middle of it.
	_ = markStarting(c)
	if detachConsole != nil {
		detachConsole()
	}
	if gate != nil {
		gate.drain(time.Second)
	}
	tlog("drained")
	c.State.Status, c.State.Pid, c.State.ExitCode, c.State.FinishedAt = StatusExited, 0, code, time.Now().UTC()
	c.State.MonitorPid, c.State.Paused = 0, false
	if serr := c.SaveState(); serr != nil && err == nil {
		// "rm -f" from another shell may have removed the container
		// meanwhile: its exit code is still this command's.
		if _, gone := env.Store.Container(c.ID); gone == nil {
			err = serr
		}
	}
	return code, err
}

// placeCgroup plans the container's cgroup (creating it with cgroupfs) and
// puts it into the spec. The returned file, when not nil, is the cgroup
// the runtime must be started in.
func placeCgroup(env Env, c *Container, spec *specs.Spec) (cgroups.Plan, *os.File, error) {
	c.State.Cgroup, c.State.CgroupOwned, c.State.Paused = "", false, false
	if env.Cgroups == nil {
		return cgroups.Plan{}, nil, nil
	}
	plan, err := env.Cgroups.Plan(c.ID, c.Config.Resources, c.Config.CgroupsDisabled)
	if err != nil {
		return plan, nil, err
	}
	spec.Linux.CgroupsPath = plan.SpecPath
	spec.Linux.Resources = plan.Resources
	if !plan.SpawnInto {
		return plan, nil, nil
	}
	f, err := cgroups.OpenDir(plan.Dir)
	if err != nil {
		_ = cgroups.Remove(plan.Dir)
		return plan, nil, err
	}
	return plan, f, nil
}

// recordCgroup notes the cgroup the container's init landed in, and fails
// when it is not the one planned.
func recordCgroup(env Env, c *Container, plan cgroups.Plan, pid int) error {
	if env.Cgroups == nil || env.Cgroups.Mount == "" || (plan.Dir == "" && plan.SpecPath == "") {
		return nil
	}
	got, err := cgroups.PidCgroup(pid)
	if err != nil {
		return err
	}
	dir := filepath.Join(env.Cgroups.Mount, got)
	if plan.Dir != "" && dir != plan.Dir {
		return fmt.Errorf("the container's process is in cgroup %s, not in its own %s", dir, plan.Dir)
	}
	if got == env.Cgroups.Own {
		return nil // the runtime placed it in cgroup v1 only (root on a v1/hybrid host)
	}
	c.State.Cgroup, c.State.CgroupOwned = dir, plan.Dir != ""
	return nil
}

// wait reaps pid and returns its exit code (128+N when killed by N).
func wait(pid int) (int, error) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("wait for container process %d: %w", pid, err)
		}
		break
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ws.ExitStatus(), nil
}

func readPid(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read container pid: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("read container pid: bad pid file %q", b)
	}
	return pid, nil
}

// refusesHost recognizes runtimes that cannot run on this host at all, as
// opposed to a problem with this container.
func refusesHost(err error) bool {
	msg := err.Error()
	for _, s := range []string{"cgroups in hybrid mode not supported", "unknown version specified", "cgroup v1 not supported"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// classify maps runtime errors about the command to 126/127, like podman.
func classify(err error) (int, error) {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "executable file not found") || strings.Contains(msg, "no such file or directory") && strings.Contains(msg, "exec"):
		return ExitNotFound, fmt.Errorf("%w: %v", ErrCommandNotFound, err)
	case strings.Contains(msg, "permission denied") && strings.Contains(msg, "exec"):
		return ExitCannotInvoke, fmt.Errorf("%w: %v", ErrCannotInvoke, err)
	}
	return 0, err
}

// Remove deletes a container: runtime state, mount, storage and files.
// A running container is refused unless force is set (then it is killed).
func Remove(ctx context.Context, env Env, c *Container, force bool) error {
	if err := Refresh(env, c); errors.Is(err, ErrContainerUnknown) {
		return nil // removed as an interrupted --rm run
	} else if err != nil {
		return err
	}
	if c.Alive() {
		if !force {
			return fmt.Errorf("container %s is running: stop it first or use --force", c.Name)
		}
		// Every process of the container goes with its pid namespace's
		// init (and its cgroup, when it has one); the monitor then
		// records the exit.
		if c.State.Cgroup != "" {
			_ = cgroups.Kill(c.State.Cgroup)
		}
		_ = unix.Kill(c.State.Pid, unix.SIGKILL)
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := WaitExit(wctx, env, c)
		cancel()
		if _, serr := env.Store.Container(c.ID); serr != nil {
			return nil // its monitor removed it (--rm)
		}
		if err != nil {
			return fmt.Errorf("remove container %s: %w", c.Name, err)
		}
	}
	if _, err := env.Store.Container(c.ID); err != nil {
		return nil // gone already (a --rm container's monitor removed it)
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	for _, rt := range env.Runtimes {
		if _, err := os.Stat(filepath.Join(rt.Root, c.ID)); err == nil {
			_ = rt.With(c.State.RuntimeArgs).Delete(ctx, c.ID, true)
		}
	}
	if c.State.CgroupOwned {
		if err := cgroups.Remove(c.State.Cgroup); err != nil {
			return err
		}
	}
	if err := netns.Detach(netRunDir(env), c.ID); err != nil {
		return err
	}
	return removeStorage(env, c)
}

// removeStorage unmounts and deletes the container's storage and files.
// DeleteContainer unmounts the layer itself, in the same locked pass over
// the store (~1-2 ms less than unmounting first); a forced unmount is the
// fallback when that fails.
func removeStorage(env Env, c *Container) error {
	err := env.Store.DeleteContainer(c.ID)
	if err != nil && !errors.Is(err, cstorage.ErrContainerUnknown) {
		_, _ = env.Store.Unmount(c.ID, true)
		err = env.Store.DeleteContainer(c.ID)
	}
	if err != nil && !errors.Is(err, cstorage.ErrContainerUnknown) {
		return fmt.Errorf("remove container %s: %w", c.Name, err)
	}
	return nil
}

func randomName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	adjectives := []string{"brave", "calm", "eager", "fond", "keen", "quiet", "swift", "wise", "bold", "kind"}
	nouns := []string{"husk", "kernel", "seed", "grain", "shell", "pod", "hull", "bran", "chaff", "corn"}
	return adjectives[int(b[0])%len(adjectives)] + "_" + nouns[int(b[1])%len(nouns)] + "_" + hex.EncodeToString(b[2:])
}

func validName(n string) error {
	for i, r := range n {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && (r == '_' || r == '.' || r == '-'))
		if !ok {
			return fmt.Errorf("invalid container name %q: use letters, digits, '_', '.', '-' (not first)", n)
		}
	}
	if n == "" {
		return fmt.Errorf("empty container name")
	}
	return nil
}

// exitsDir keeps the exit codes of removed (--rm) containers, in the run
// root (gone after a reboot, like the containers).
func exitsDir(env Env) string { return filepath.Join(env.Store.RunRoot, "husk-exits") }

func recordExit(env Env, c *Container) {
	_ = os.MkdirAll(exitsDir(env), 0o700)
	_ = os.WriteFile(filepath.Join(exitsDir(env), c.ID), []byte(strconv.Itoa(c.State.ExitCode)+"\n"), 0o600)
}

// removedExit returns the exit code a removed --rm container left.
func removedExit(env Env, id string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(exitsDir(env), id))
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return n, err == nil
}
