package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/husk-dev/husk/pkg/cgroups"
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
		return "", fmt.Errorf("cannot %s container %s: it runs without a cgroup (--cgroups=disabled)", what, c.Name)
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
	return c.SaveState()
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
	return c.SaveState()
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
		rt, err := runtimeOf(env, c)
		if err != nil {
			return err
		}
		spec := res.Spec(env.Cgroups != nil && env.Cgroups.Mode == cgroups.ModeV2)
		b, err := json.Marshal(spec)
		if err != nil {
			return err
		}
		cmd := rt.command(ctx, "update", "--resources", "-", c.ID)
		cmd.Stdin = bytes.NewReader(b)
		if err := rt.run(cmd, "update"); err != nil {
			return err
		}
	}
	if err := c.Reload(); err != nil {
		return err
	}
	c.Config.Resources = res
	return c.Save()
}
