package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// ownCgroup returns the running container's cgroup, or an error that says
// why it has none.
func ownCgroup(env Env, c *Container, what string) (string, error) {
	if err := Refresh(env, c); err != nil {
		return "", err
	}
	if !c.Alive() {
		return "", fmt.Errorf("%w: %s", ErrNotRunning, c.Name)
	}
	if c.State.Cgroup != "" {
		return c.State.Cgroup, nil
	}
	if c.Config.CgroupsDisabled {
		return "", setting.Errorf("cannot %s container %s: it runs without a cgroup ({cgroups=disabled})", what, c.Name)
	}
	fix := "it has no cgroup of its own"
	if env.Cgroups != nil && env.Cgroups.Rootless && env.Cgroups.Delegated == "" {
		fix = "no cgroup v2 subtree was delegated to you when it started: " + cgroups.DelegateFix
	}
	return "", fmt.Errorf("cannot %s container %s: %s", what, c.Name, fix)
}

// Pause freezes every process of the container.
func Pause(env Env, c *Container) error {
	dir, err := ownCgroup(env, c, "pause")
	if err != nil {
		return err
	}
	if c.State.Paused {
		return fmt.Errorf("container %s is already paused", c.Name)
	}
	if err := cgroups.Freeze(dir, true); err != nil {
		return err
	}
	c.State.Paused = true
	if err := c.SaveState(); err != nil {
		return err
	}
	RecordEvent(env, c, events.Pause)
	return nil
}

// Unpause thaws a paused container.
func Unpause(env Env, c *Container) error {
	dir, err := ownCgroup(env, c, "unpause")
	if err != nil {
		return err
	}
	if !c.State.Paused && !cgroups.Frozen(dir) {
		return fmt.Errorf("container %s is not paused", c.Name)
	}
	if err := cgroups.Freeze(dir, false); err != nil {
		return err
	}
	c.State.Paused = false
	if err := c.SaveState(); err != nil {
		return err
	}
	RecordEvent(env, c, events.Unpause)
	return nil
}

// Stats reads the container's cgroup statistics.
func Stats(env Env, c *Container) (cgroups.Stats, error) {
	dir, err := ownCgroup(env, c, "read statistics of")
	if err != nil {
		return cgroups.Stats{}, err
	}
	return cgroups.ReadStats(dir)
}

// Update changes the limits of a container. A running container gets them
// through its OCI runtime at once; a stopped one at its next start. Limits
// the host cannot enforce are refused before anything changes.
func Update(ctx context.Context, env Env, c *Container, res cgroups.Resources) error {
	if err := Refresh(env, c); err != nil {
		return err
	}
	cfg := c.Config
	cfg.Resources = res
	if err := checkResources(env, cfg); err != nil {
		return err
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if c.Alive() {
		if c.State.Cgroup == "" {
			_, err := ownCgroup(env, c, "update")
			return err
		}
		drv, err := runtimeOf(env, c)
		if err != nil {
			return err
		}
		if err := drv.Update(ctx, c.ID, res.Spec(env.Cgroups != nil && env.Cgroups.Mode == cgroups.ModeV2)); err != nil {
			return err
		}
	}
	if err := c.Reload(); err != nil {
		return err
	}
	c.Config.Resources = res
	return c.Save()
}

// runtimeCgroupArgs are the global flags of the runtime called name for a
// cgroup plan.
func runtimeCgroupArgs(name string, plan cgroups.Plan, disabled bool) []string {
	m := oci.CgroupfsManager
	switch {
	case disabled:
		m = oci.NoCgroup
	case plan.Systemd:
		m = oci.SystemdManager
	}
	return oci.CgroupFlags(name, m)
}

// placeCgroup plans the container's cgroup (creating it with cgroupfs) and
// puts it into the spec. The returned file, when not nil, is the cgroup
// the runtime must be started in.
func placeCgroup(env Env, c *Container, spec *specs.Spec) (cgroups.Plan, *os.File, error) {
	c.State.Cgroup, c.State.CgroupOwned, c.State.Paused = "", false, false
	if env.Cgroups == nil {
		return cgroups.Plan{}, nil, nil
	}
	rules, err := deviceRules(env, c)
	if err != nil {
		return cgroups.Plan{}, nil, err
	}
	plan, err := env.Cgroups.PlanIn(c.Config.CgroupParent, c.ID, c.Config.Resources, c.Config.CgroupsDisabled)
	if err != nil {
		return plan, nil, err
	}
	spec.Linux.CgroupsPath = plan.SpecPath
	spec.Linux.Resources = withDeviceRules(plan.Resources, rules)
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
