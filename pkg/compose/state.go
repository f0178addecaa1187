package compose

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ctrState is what compose reads of "husk container inspect".
type ctrState struct {
	Name string `json:"Name"`
	// Image is the ID of the container's image.
	Image string `json:"Image"`
	State struct {
		Status   string `json:"Status"`
		Running  bool   `json:"Running"`
		ExitCode int    `json:"ExitCode"`
		Health   struct {
			Status string `json:"Status"`
		} `json:"Health"`
	} `json:"State"`
	Config struct {
		Labels      map[string]string `json:"Labels"`
		Healthcheck *struct {
			Test []string `json:"Test"`
		} `json:"Healthcheck"`
	} `json:"Config"`
}

// inspect reads container name's state; nil when there is no such
// container (one husk command: each costs a start).
func inspect(ctx context.Context, h Husk, name string) (*ctrState, error) {
	out, err := output(ctx, h, io.Discard, "container", "inspect", name)
	var ee *ExitError
	if errors.As(err, &ee) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", name, err)
	}
	var st []ctrState
	if err := json.Unmarshal([]byte(out), &st); err != nil || len(st) != 1 {
		return nil, fmt.Errorf("inspect container %s: unexpected output %q", name, strings.TrimSpace(out))
	}
	return &st[0], nil
}

// hasHealthcheck tells whether the container runs a healthcheck.
func (s *ctrState) hasHealthcheck() bool {
	hc := s.Config.Healthcheck
	return hc != nil && len(hc.Test) > 0 && hc.Test[0] != "NONE"
}

// errNotReady: a poll goes on.
var errNotReady = errors.New("not ready")

// poll calls check every interval until it returns nil or an error other
// than errNotReady, or ctx ends, or timeout (0: none) passes.
func poll(ctx context.Context, timeout time.Duration, what string, check func() error) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		err := check()
		if !errors.Is(err, errNotReady) {
			return err
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("%s: not ready after %s", what, timeout)
			}
			return ctx.Err()
		case <-t.C:
		}
	}
}

// waitHealthy waits until container name is healthy; it fails when the
// container stops or turns unhealthy, as docker compose's
// service_healthy does.
func waitHealthy(ctx context.Context, h Husk, name string, timeout time.Duration) error {
	return poll(ctx, timeout, "container "+name, func() error {
		st, err := inspect(ctx, h, name)
		switch {
		case err != nil:
			return err
		case st == nil:
			return fmt.Errorf("container %s is gone", name)
		case !st.hasHealthcheck():
			return fmt.Errorf("container %s has no healthcheck: give its service a healthcheck, or depend on it with condition: service_started", name)
		case st.State.Health.Status == "healthy":
			return nil
		case st.State.Health.Status == "unhealthy":
			return fmt.Errorf("container %s is unhealthy", name)
		case !st.State.Running:
			return fmt.Errorf("container %s exited (%d) before it was healthy", name, st.State.ExitCode)
		}
		return errNotReady
	})
}

// waitRunning waits until container name runs, and is healthy if it has
// a healthcheck (up --wait); a container that exited 0 counts as done.
func waitRunning(ctx context.Context, h Husk, name string, timeout time.Duration) error {
	return poll(ctx, timeout, "container "+name, func() error {
		st, err := inspect(ctx, h, name)
		switch {
		case err != nil:
			return err
		case st == nil:
			return fmt.Errorf("container %s is gone", name)
		case st.State.Status == "exited" || st.State.Status == "stopped":
			if st.State.ExitCode == 0 {
				return nil
			}
			return fmt.Errorf("container %s exited (%d)", name, st.State.ExitCode)
		case !st.State.Running:
			return errNotReady
		case !st.hasHealthcheck() || st.State.Health.Status == "healthy":
			return nil
		case st.State.Health.Status == "unhealthy":
			return fmt.Errorf("container %s is unhealthy", name)
		}
		return errNotReady
	})
}

// waitCompleted waits for container name to exit, and fails unless it
// exited 0 (service_completed_successfully).
func waitCompleted(ctx context.Context, h Husk, name string) error {
	out, err := output(ctx, h, io.Discard, "wait", name)
	if err != nil {
		return fmt.Errorf("wait for container %s: %w", name, err)
	}
	if code := strings.TrimSpace(out); code != "0" {
		return fmt.Errorf("container %s did not complete successfully: exit %s", name, code)
	}
	return nil
}
