package runtime

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"
	"go.podman.io/storage/pkg/stringid"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// An Early is the OCI runtime of a foreground run started before the
// container exists (oci.EarlyCreate): runc spends ~20 ms starting its Go
// runtime and reading its command line before it reads config.json, and
// husk spends ~10 ms opening the store, creating the container's layer,
// mounting it and building the spec. Started first, the runtime does the
// one while husk does the other.
//
// For that the container's id is chosen first, its directory (the
// bundle, where the storage library will keep it) made ahead, and the
// runtime's stdio made before the launch: its stdout the pipe of the
// log's tee, its stderr a gate whose destination comes later. Whatever
// turns out different from what the runtime was started with (another
// runtime, cgroup manager or network, a hook that reads config.json, no
// log tee) abandons it: it then reads an incomplete spec and exits having
// done nothing, and the launch goes on as without it.
type Early struct {
	// ID is the container's id, for the storage to create it with.
	ID string
	// dir is the container's directory, made ahead; idDir its parent,
	// removed if no container takes the id.
	dir, idDir string
	create     *oci.EarlyCreate
	cli        *oci.CLI
	stdoutR    *os.File
	stdoutW    *os.File
	gate       *oci.StderrGate
	// taken: a container was created with ID; teed, gated: the log's tee
	// and the launch took the pipe and the gate over.
	taken, teed, gated bool
	// pendingSpec is where the spec (spec) waits while config.json is
	// the link the runtime reads through; written: it is on disk.
	pendingSpec string
	spec        []byte
	written     bool
	// cgroupDir is the cgroup the runtime was born in ("" none);
	// cgroupPlaced: the container's start placed it there too.
	cgroupDir    string
	cgroupFD     *os.File
	cgroupPlaced bool
}

// StartEarly starts cfg's runtime for a container to be created in
// containersDir (see storage.ContainersDir), or returns nil when the run
// is not one it can start early for, or when it could not: the run then
// starts its runtime as usual.
func StartEarly(env Env, cfg Config, containersDir string) *Early {
	cli, startNow, ok := earlyRuntime(env, cfg)
	if !ok {
		return nil
	}
	id := stringid.GenerateRandomID()
	e := &Early{ID: id, idDir: filepath.Join(containersDir, id), cli: cli}
	e.dir = filepath.Join(e.idDir, "userdata")
	if err := e.start(env, cfg, startNow); err != nil {
		logrus.Debugf("early runtime: %v", err)
		e.Close()
		return nil
	}
	logrus.Debugf("early runtime for container %s", id)
	return e
}

// In returns e if the container's directory was made in containersDir,
// the open store's (storage.Store.ContainersDir); else it closes e and
// returns nil.
func (e *Early) In(containersDir string) *Early {
	if e == nil || filepath.Dir(e.idDir) == containersDir {
		return e
	}
	e.Close()
	return nil
}

// earlyRuntime is the runtime cfg's container will be created with, when
// its command line is known before the container is: runc (crun starts
// in a millisecond), no terminal or input, the log's tee, a network
// without a helper to wait for (none, host, a bridge: its namespace is
// made before the spec). It is started as "run --detach", or as "create"
// when ports are published (they are wired in the created state). A
// network that turns out otherwise (Start's startNow) gives another
// command line, and the early runtime is abandoned.
func earlyRuntime(env Env, cfg Config) (*oci.CLI, bool, bool) {
	if len(env.Runtimes) == 0 || env.Runtimes[0].Name() != "runc" || env.Cgroups == nil {
		return nil, false, false
	}
	if cfg.TTY || cfg.Interactive || cfg.Rootfs != "" || cfg.Pod != "" ||
		cfg.LogDriver == LogDriverNone || cfg.LogDriver == LogDriverPassthrough {
		return nil, false, false
	}
	switch m := cfg.Net.Mode; {
	case m == netns.ModePasta || m == netns.ModeSlirp:
		// Its helper is ready only in the created state.
		return nil, false, false
	case cfg.Net.UsesDefaultNetwork() && !onDefaultBridge(cfg.Net):
		return nil, false, false
	}
	if env.Cgroups.SpawnsInto(cfg.CgroupsDisabled) && (cfg.CgroupParent != "" || !cfg.Resources.Empty()) {
		// Its cgroup is made with the id: not a parent, nor controllers
		// for limits, before the limits are checked.
		return nil, false, false
	}
	cli, ok := env.Runtimes[0].Driver(earlyCgroupArgs(env, cfg)).(*oci.CLI)
	startNow := len(cfg.Net.Ports) == 0 && !cfg.Net.PublishAll
	return cli, startNow, ok
}

// earlyCgroupArgs are the runtime's cgroup flags for cfg's plan
// (runtimeCgroupArgs), which depend only on whether systemd makes it.
func earlyCgroupArgs(env Env, cfg Config) []string {
	path, _ := env.Cgroups.SpecForIn(cfg.CgroupParent, "early", cfg.Resources, cfg.CgroupsDisabled)
	return runtimeCgroupArgs("runc", cgroups.Plan{Systemd: strings.Contains(path, ":")}, cfg.CgroupsDisabled)
}

func (e *Early) start(env Env, cfg Config, startNow bool) error {
	if err := makeEarlyDir(e.idDir); err != nil {
		return err
	}
	spec := filepath.Join(e.dir, "config.json")
	if err := os.Symlink(oci.EarlyConfigLink, spec); err != nil {
		return err
	}
	var err error
	if e.stdoutR, e.stdoutW, err = os.Pipe(); err != nil {
		return err
	}
	if e.gate, err = oci.NewStderrGate(nil); err != nil {
		return err
	}
	o := e.options(cfg, startNow)
	if env.Cgroups.SpawnsInto(cfg.CgroupsDisabled) {
		// The runtime is born in the container's cgroup (placeCgroup
		// plans the same one again, and removes it with the container).
		plan, err := env.Cgroups.PlanIn(cfg.CgroupParent, e.ID, cfg.Resources, cfg.CgroupsDisabled)
		if err != nil {
			return err
		}
		e.cgroupDir = plan.Dir
		if err := os.WriteFile(filepath.Join(e.idDir, earlyCgroupFile), []byte(plan.Dir), 0o600); err != nil {
			return err
		}
		if e.cgroupFD, err = cgroups.OpenDir(plan.Dir); err != nil {
			return err
		}
		o.CgroupFD = e.cgroupFD
	}
	e.create, err = e.cli.StartCreate(e.ID, o)
	return err
}

// placed notes the cgroup the container was placed in: the start now
// removes it with the container; any other is the early runtime's to
// remove.
func (e *Early) placed(dir string) {
	if e != nil && dir != "" && dir == e.cgroupDir {
		e.cgroupPlaced = true
	}
}

// options are the runtime's create options for the container.
func (e *Early) options(cfg Config, startNow bool) oci.CreateOptions {
	return oci.CreateOptions{Bundle: e.dir, StartNow: startNow, DropGroups: cfg.ownUserNS() && !cfg.KeepGroups,
		IO: oci.IO{PidFile: filepath.Join(e.dir, "pidfile"), Stdout: e.stdoutW, Stderr: e.gate.Writer()}}
}

// pending reports whether the runtime still waits for its spec.
func (e *Early) pending() bool { return e != nil && e.create != nil }

// tee hands the log's tee the runtime's stdout pipe.
func (e *Early) tee() (r, w *os.File, ok bool) {
	if !e.pending() || e.teed {
		return nil, nil, false
	}
	e.teed = true
	return e.stdoutR, e.stdoutW, true
}

// fits reports whether the launch's stdio is what the runtime was
// started with.
func (e *Early) fits(lio *launchIO) bool {
	return e.pending() && e.teed && !lio.tty && lio.stdio.heldStderr == nil && lio.stderr != nil &&
		lio.base.Stdin == nil && lio.base.Stdout == e.stdoutW && len(lio.base.ExtraFiles) == 0 &&
		(lio.base.CgroupFD != nil) == (e.cgroupDir != "") && (e.cgroupDir == "" || e.cgroupPlaced)
}

// matches reports whether the runtime was started with the command the
// launch would run, and still waits for its spec.
func (e *Early) matches(drv oci.Driver, id string, o oci.CreateOptions) bool {
	cli, ok := drv.(*oci.CLI)
	return ok && id == e.ID && e.create.Matches(cli, id, o) && !e.create.Exited()
}

// attach is the launch's IO for the runtime started early (see fits):
// the stderr gate it was started with, in front of the launch's stderr.
func (e *Early) attach(lio *launchIO) (oci.IO, error) {
	if e == nil {
		return oci.IO{}, nil
	}
	o := lio.base
	e.gate.SetDestination(lio.stderr)
	e.gated = true
	lio.gate, o.Stderr = e.gate, e.gate.Writer()
	return o, nil
}

// id is the id the container is created with ("": a new one).
func (e *Early) id() string {
	if e == nil {
		return ""
	}
	return e.ID
}

// take notes that the container was created with the id: its
// directory is the container's now. The cgroup's file stays in it: a
// kill before the container's record is written leaves a container List
// removes, and with it that cgroup (removeEarlyCgroup).
func (e *Early) take() {
	if e != nil {
		e.taken = true
		_ = os.Remove(filepath.Join(e.idDir, earlyFile))
	}
}

// The files of a container directory made ahead (in its id's directory,
// beside userdata): the process that made it, and the cgroup its runtime
// was born in.
const (
	earlyFile       = "early-starter"
	earlyCgroupFile = "early-cgroup"
)

// keepSpec keeps the spec for the file beside the link the runtime
// reads through, until the runtime is done with it (settle). The file is
// written once the runtime has the spec (deliver): the runtime parses it
// meanwhile.
func (e *Early) keepSpec(c *Container, b []byte) error {
	if c.Dir != e.dir {
		return fmt.Errorf("early runtime: container directory %s, not %s", c.Dir, e.dir)
	}
	e.pendingSpec, e.spec, e.written = c.BundleSpec()+".early", b, false
	return nil
}

// writePending writes the spec kept by keepSpec to its file, once.
func (e *Early) writePending() error {
	if e.pendingSpec == "" || e.written {
		return nil
	}
	if err := os.WriteFile(e.pendingSpec, e.spec, 0o600); err != nil {
		return fmt.Errorf("write config.json: %w", err)
	}
	e.written = true
	return nil
}

// deliver gives the runtime the spec and waits for it to create the
// container, as Driver.Create does; the spec's file is written while the
// runtime reads and parses it.
func (e *Early) deliver(b []byte) error {
	e.create.Send(b)
	werr := e.writePending()
	err := e.create.Wait()
	e.create = nil
	if serr := e.settle(); serr != nil && err == nil {
		err = serr
	}
	if werr != nil && err == nil {
		err = werr
	}
	return err
}

// abandon ends the runtime (it reads no spec) and puts config.json in
// place for the runtime started instead.
func (e *Early) abandon() error {
	if !e.pending() {
		return nil
	}
	e.create.Abandon()
	e.create = nil
	logrus.Debugf("early runtime abandoned")
	return e.settle()
}

// settle replaces the link with the spec written meanwhile, or removes it.
func (e *Early) settle() error {
	link := filepath.Join(e.dir, "config.json")
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return nil
	}
	if e.pendingSpec == "" {
		return os.Remove(link)
	}
	if err := e.writePending(); err != nil {
		return err
	}
	if err := os.Rename(e.pendingSpec, link); err != nil {
		return fmt.Errorf("write config.json: %w", err)
	}
	e.pendingSpec, e.spec = "", nil
	return nil
}

// Close ends what was not used: the runtime, the pipe and gate nobody
// took, and the directory when no container took the id.
func (e *Early) Close() {
	if e == nil {
		return
	}
	if e.create != nil {
		e.create.Abandon()
		e.create = nil
	}
	if !e.teed {
		closeFiles(e.stdoutR, e.stdoutW)
	}
	if !e.gated && e.gate != nil {
		e.gate.Failed()
	}
	closeFiles(e.cgroupFD)
	if e.cgroupDir != "" && !e.cgroupPlaced {
		if err := cgroups.Remove(e.cgroupDir); err != nil {
			logrus.Warnf("%v", err)
		}
	}
	if !e.taken {
		removeEarlyDir(e.idDir)
		return
	}
	_ = e.settle()
}

func closeFiles(fs ...*os.File) {
	for _, f := range fs {
		if f != nil {
			f.Close()
		}
	}
}

// ReadBundleSpec reads the bundle's config.json. While a runtime started
// early waits for its spec, config.json is a link to that runtime's pipe
// (see Early): it is not followed, and reads as not there yet.
func (c *Container) ReadBundleSpec() ([]byte, error) {
	f, err := os.OpenFile(c.BundleSpec(), os.O_RDONLY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxBundleSpec))
}

// maxBundleSpec bounds what ReadBundleSpec reads: husk writes config.json,
// but the directory is the user's.
const maxBundleSpec = 16 << 20
