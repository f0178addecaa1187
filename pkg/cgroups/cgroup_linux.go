package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Plan is where a container's cgroup goes and what the OCI runtime is
// told about it.
type Plan struct {
	// SpecPath is config.json's linux.cgroupsPath ("" leaves it out: the
	// runtime creates no cgroup of the container's own).
	SpecPath string
	// Resources is config.json's linux.resources.
	Resources *specs.LinuxResources
	// Systemd: the runtime creates a transient scope through systemd
	// (runc --systemd-cgroup, crun --cgroup-manager=systemd).
	Systemd bool
	// Dir is the cgroup directory husk created itself (cgroupfs), to be
	// removed with the container; "" when the runtime or systemd makes it.
	Dir string
	// SpawnInto: start the runtime process inside Dir. On a hybrid host
	// runc maps any cgroupsPath onto the cgroup v1 hierarchies, so the
	// container reaches its cgroup v2 directory by being born there.
	SpawnInto bool
}

// LeafName is the cgroup that processes of the delegated cgroup move to
// when controllers are enabled below it (cgroup v2 allows processes only
// in leaves of a tree with controllers).
const LeafName = "husk-session"

// HelperName is the cgroup, in the delegated one, of the helpers the
// user's containers share (the per-user network's pasta and waiter).
const HelperName = "husk-network"

// HelperDir is where helpers shared by the user's containers are born
// (HelperName in the delegated cgroup), so that they are no command's
// leftovers; "" where husk does not make cgroups itself (root, the
// systemd manager, nothing delegated).
func (info Info) HelperDir() string {
	if !info.Rootless || info.Manager == ManagerSystemd || info.Mount == "" || info.Delegated == "" {
		return ""
	}
	return filepath.Join(info.Mount, info.Delegated, HelperName)
}

// Plan decides (and for cgroupfs creates) a container's cgroup. Limits
// must have passed Check.
func (info Info) Plan(id string, r Resources, disabled bool) (Plan, error) {
	return info.PlanIn("", id, r, disabled)
}

// PlanIn is Plan with the container's cgroup in parent ("": the default
// place; see CheckParent).
func (info Info) PlanIn(parent, id string, r Resources, disabled bool) (Plan, error) {
	path, res := info.SpecForIn(parent, id, r, disabled)
	p := Plan{SpecPath: path, Resources: res, Systemd: strings.Contains(path, ":")}
	if !info.makesDir(disabled) {
		return p, nil
	}
	// cgroupfs, rootless: husk makes the directory in its delegated tree.
	base := filepath.Join(info.Mount, info.Delegated)
	if err := enable(base, r.Controllers()); err != nil {
		return Plan{}, err
	}
	if parent != "" {
		var err error
		if base, err = info.makeParent(parent, r.Controllers()); err != nil {
			return Plan{}, err
		}
	}
	p.Dir = filepath.Join(base, "husk-"+id)
	if err := os.Mkdir(p.Dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return Plan{}, fmt.Errorf("create cgroup %s: %w", p.Dir, err)
	}
	p.SpawnInto = info.Mode != ModeV2
	return p, nil
}

// makesDir: husk makes the container's cgroup directory itself
// (cgroupfs, rootless, a delegated tree).
func (info Info) makesDir(disabled bool) bool {
	return !disabled && info.Rootless && info.Manager != ManagerSystemd && info.Mount != "" && info.Delegated != ""
}

// SpawnsInto reports whether a container's runtime is started inside the
// container's cgroup (Plan.SpawnInto), without planning it.
func (info Info) SpawnsInto(disabled bool) bool {
	return info.makesDir(disabled) && info.Mode != ModeV2
}

// SpecFor is what config.json will say about the container's cgroup
// (linux.cgroupsPath, linux.resources), without creating anything: for
// showing a created container's configuration.
func (info Info) SpecFor(id string, r Resources, disabled bool) (string, *specs.LinuxResources) {
	return info.SpecForIn("", id, r, disabled)
}

// SpecForIn is SpecFor with the container's cgroup in parent.
func (info Info) SpecForIn(parent, id string, r Resources, disabled bool) (string, *specs.LinuxResources) {
	v2 := info.Mode == ModeV2
	if path, ok := info.specPathIn(parent, id, disabled); ok {
		if path == "" {
			return "", nil
		}
		return path, r.Spec(v2 || info.Rootless)
	}
	switch {
	case disabled:
		return "", nil
	case !info.Rootless && info.Manager == ManagerSystemd:
		return "machine.slice:husk:" + id, r.Spec(v2)
	case !info.Rootless:
		return "/husk/" + id, r.Spec(v2)
	case info.Mount == "" || info.Delegated == "":
		return "", nil
	case info.Manager == ManagerSystemd:
		return "user.slice:husk:" + id, r.Spec(true)
	case v2:
		return filepath.Join(info.Delegated, "husk-"+id), r.Spec(true)
	}
	return "", nil
}

// enable turns on controllers for the children of base, first moving
// base's own processes to a leaf cgroup when the kernel requires it.
func enable(base string, ctrls []string) error {
	have := readFields(filepath.Join(base, "cgroup.subtree_control"))
	var add []string
	for _, c := range ctrls {
		if !slices.Contains(have, c) {
			add = append(add, "+"+c)
		}
	}
	if len(add) == 0 {
		return nil
	}
	write := func() error {
		return os.WriteFile(filepath.Join(base, "cgroup.subtree_control"), []byte(strings.Join(add, " ")), 0)
	}
	err := write()
	if !errors.Is(err, unix.EBUSY) {
		if err != nil {
			return fmt.Errorf("enable %s in %s: %w", strings.Join(add, " "), base, err)
		}
		return nil
	}
	leaf := filepath.Join(base, LeafName)
	if err := os.Mkdir(leaf, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create cgroup %s: %w", leaf, err)
	}
	for round := 0; round < 10; round++ {
		pids := readFields(filepath.Join(base, "cgroup.procs"))
		if len(pids) == 0 {
			break
		}
		for _, pid := range pids {
			_ = os.WriteFile(filepath.Join(leaf, "cgroup.procs"), []byte(pid), 0)
		}
	}
	if err := write(); err != nil {
		return fmt.Errorf("enable %s in %s: %w", strings.Join(add, " "), base, err)
	}
	return nil
}

// OpenDir opens a cgroup directory for CLONE_INTO_CGROUP.
func OpenDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open cgroup %s: %w", dir, err)
	}
	return f, nil
}

// Freeze freezes (or thaws) every process of the cgroup and waits until
// the kernel reports it done.
func Freeze(dir string, frozen bool) error {
	v := "0"
	if frozen {
		v = "1"
	}
	if err := os.WriteFile(filepath.Join(dir, "cgroup.freeze"), []byte(v), 0); err != nil {
		return fmt.Errorf("freeze cgroup %s: %w", dir, err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		b, err := os.ReadFile(filepath.Join(dir, "cgroup.events"))
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "frozen "+v) {
			return nil
		}
	}
	return fmt.Errorf("cgroup %s did not reach frozen=%s", dir, v)
}

// Frozen reports whether the cgroup is frozen.
func Frozen(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.freeze"))
	return err == nil && strings.TrimSpace(string(b)) == "1"
}

// Kill sends SIGKILL to every process of the cgroup (cgroup.kill, or one
// by one on kernels before 5.14).
func Kill(dir string) error {
	err := os.WriteFile(filepath.Join(dir, "cgroup.kill"), []byte("1"), 0)
	if err == nil {
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("kill cgroup %s: %w", dir, err)
	}
	for round := 0; round < 10; round++ {
		pids := Pids(dir)
		if len(pids) == 0 {
			return nil
		}
		for _, p := range pids {
			_ = unix.Kill(p, unix.SIGKILL)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// Pids lists the processes in the cgroup.
func Pids(dir string) []int {
	var out []int
	for _, f := range readFields(filepath.Join(dir, "cgroup.procs")) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// Remove deletes a cgroup directory once its processes are gone (it waits
// up to 2 s for dying ones).
func Remove(dir string) error {
	var err error
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(time.Millisecond) {
		err = unix.Rmdir(dir)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
			break
		}
	}
	return fmt.Errorf("remove cgroup %s: %w", dir, err)
}
