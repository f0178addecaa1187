package runtime

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/setting"
)

// WaitConditions are the states wait --condition takes that husk's
// containers can be in: podman's names (stopped, configured and
// initialized are husk's exited and created; healthy and unhealthy
// are a running container's health, podman 5's).
var WaitConditions = []string{"configured", "created", "exited", "healthy", "initialized", "paused", "running", "stopped", "unhealthy"}

// podmanOnlyConditions are podman's states husk has no counterpart of.
var podmanOnlyConditions = []string{"removing", "stopping"}

// WaitOptions are husk wait's choices.
type WaitOptions struct {
	// Conditions are states to wait for (any of them); none waits for
	// the container to stop.
	Conditions []string
	// Interval is how often the state is read for Conditions.
	Interval time.Duration
}

// ParseWaitInterval reads wait --interval: a Go duration, or a number of
// milliseconds (as podman).
func ParseWaitInterval(s string) (time.Duration, error) {
	if ms, err := strconv.Atoi(s); err == nil && ms >= 0 {
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("interval %q: give milliseconds or a duration such as 250ms", s)
	}
	return d, nil
}

// CheckWaitConditions refuses the states husk does not know, saying why.
func CheckWaitConditions(conds []string) error {
	for _, c := range conds {
		if slices.Contains(podmanOnlyConditions, c) {
			return fmt.Errorf("condition %q: husk containers have no such state; wait for one of %s", c, strings.Join(WaitConditions, ", "))
		}
		if !slices.Contains(WaitConditions, c) {
			return fmt.Errorf("unknown container state %q: use one of %s", c, strings.Join(WaitConditions, ", "))
		}
	}
	return nil
}

// Wait waits until c is in one of o.Conditions, or has stopped when none
// are given, and returns its exit code: -1 (podman's value) when the
// condition is not one of a stopped container.
func Wait(ctx context.Context, env Env, c *Container, o WaitOptions) (int, error) {
	if len(o.Conditions) == 0 {
		return WaitExit(ctx, env, c)
	}
	if err := CheckWaitConditions(o.Conditions); err != nil {
		return 0, err
	}
	if o.Interval <= 0 {
		o.Interval = 250 * time.Millisecond
	}
	for _, cond := range o.Conditions {
		if (cond == HealthHealthy || cond == HealthUnhealthy) && !c.HasHealthcheck() {
			return 0, setting.Errorf("condition %q: container %s has no healthcheck: create it with {health-cmd}, or wait for another condition", cond, c.Name)
		}
	}
	for {
		// Another husk starts or stops it: read its record again.
		if err := c.Reload(); err != nil {
			return 0, err
		}
		if err := Refresh(env, c); err != nil {
			return 0, err
		}
		if slices.ContainsFunc(o.Conditions, func(cond string) bool { return inState(c, cond) }) {
			if c.Alive() || slices.Contains([]string{"created", "configured", "initialized"}, firstMatch(c, o.Conditions)) {
				return -1, nil
			}
			return c.State.ExitCode, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(o.Interval):
		}
	}
}

func firstMatch(c *Container, conds []string) string {
	for _, cond := range conds {
		if inState(c, cond) {
			return cond
		}
	}
	return ""
}

// inState reports whether c is in the podman state cond.
func inState(c *Container, cond string) bool {
	alive := c.Alive()
	switch cond {
	case "running":
		return alive && !c.State.Paused
	case "paused":
		return alive && c.State.Paused
	case "created", "configured", "initialized":
		return c.State.Status == StatusCreated
	case "exited":
		return !alive && c.State.Status == StatusExited
	case "stopped":
		return !alive
	case HealthHealthy, HealthUnhealthy:
		return alive && c.Health().Status == cond
	}
	return false
}
