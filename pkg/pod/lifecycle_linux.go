package pod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime"
)

// StartFunc starts a created or stopped container detached (husk's
// monitor is the caller's to spawn).
type StartFunc func(ctx context.Context, env runtime.Env, c *runtime.Container) error

// ErrPodRunning is returned for removing a pod with running containers
// without force.
var ErrPodRunning = errors.New("pod has running containers")

// The pod states, podman's words.
const (
	StateCreated  = "Created"
	StateRunning  = "Running"
	StatePaused   = "Paused"
	StateExited   = "Exited"
	StateStopped  = "Stopped"
	StateDegraded = "Degraded"
)

// Members are the pod's containers, the infra container first, their
// states brought up to date.
func Members(env runtime.Env, p *Pod) ([]*runtime.Container, error) {
	all, err := runtime.List(env.Store)
	if err != nil {
		return nil, err
	}
	var infra, rest []*runtime.Container
	for _, c := range all {
		if c.Config.Pod != p.ID {
			continue
		}
		if err := runtime.Refresh(env, c); err != nil && !errors.Is(err, runtime.ErrContainerUnknown) {
			return nil, err
		} else if err != nil {
			continue // a --rm member is gone
		}
		if c.Config.Infra || c.Config.Holder {
			infra = append(infra, c)
		} else {
			rest = append(rest, c)
		}
	}
	return append(infra, rest...), nil
}

// State is the pod's state from its containers' (podman's rules): Running
// when all run, Degraded when some do, Paused when all are paused, Exited
// when all stopped, Stopped when some did and the rest are created,
// Created otherwise (and with no containers).
func State(cs []*runtime.Container) string {
	var running, paused, stopped int
	for _, c := range cs {
		switch {
		case c.Alive() && c.State.Paused:
			paused++
		case c.Alive():
			running++
		case c.State.Status == runtime.StatusExited:
			stopped++
		}
	}
	n := len(cs)
	switch {
	case n == 0:
		return StateCreated
	case running == n:
		return StateRunning
	case running > 0:
		return StateDegraded
	case paused == n:
		return StatePaused
	case stopped == n:
		return StateExited
	case stopped > 0:
		return StateStopped
	}
	return StateCreated
}

// Start starts the pod's containers that are not running, the infra
// container first (the others join its namespaces).
func Start(ctx context.Context, env runtime.Env, p *Pod, start StartFunc) error {
	cs, err := Members(env, p)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range cs {
		if c.Alive() {
			continue
		}
		if err := start(ctx, env, c); err != nil {
			if c.Config.Infra {
				return fmt.Errorf("start the infra container of pod %s: %w", p.Name, err)
			}
			errs = append(errs, fmt.Errorf("start container %s of pod %s: %w", c.Name, p.Name, err))
		}
	}
	recordEvent(env, p, events.Start)
	return errors.Join(errs...)
}

// EnsureInfra starts the pod's infra container (or the first container
// that holds a pod's namespaces without one) if it is not running, so
// that a container joining the pod finds its namespaces.
func EnsureInfra(ctx context.Context, env runtime.Env, p *Pod, start StartFunc) error {
	id := p.InfraID
	if !p.HasInfra() {
		h, err := Holder(env, p)
		if err != nil || h == nil {
			return err
		}
		id = h.ID
	}
	c, err := runtime.Lookup(env.Store, id)
	if err != nil {
		return fmt.Errorf("the infra container of pod %s: %w", p.Name, err)
	}
	if err := runtime.Refresh(env, c); err != nil {
		return err
	}
	if c.Alive() {
		return nil
	}
	if err := start(ctx, env, c); err != nil {
		return fmt.Errorf("start the infra container of pod %s: %w", p.Name, err)
	}
	return nil
}

// StopOptions are pod stop's choices.
type StopOptions struct {
	// Timeout is how long each container gets after its stop signal (nil:
	// its own --stop-timeout, else 10 s).
	Timeout *time.Duration
}

// Stop stops the pod's containers, at the same time, then the infra
// container.
func Stop(ctx context.Context, env runtime.Env, p *Pod, o StopOptions) error {
	cs, err := Members(env, p)
	if err != nil {
		return err
	}
	var infra []*runtime.Container
	if len(cs) > 0 && cs[0].Config.Infra {
		infra, cs = cs[:1], cs[1:]
	}
	stop := func(cs []*runtime.Container) error {
		errs := make([]error, len(cs))
		var wg sync.WaitGroup
		for i, c := range cs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t := runtime.StopTimeoutOf(c, 10*time.Second)
				if o.Timeout != nil {
					t = *o.Timeout
				}
				errs[i] = runtime.Stop(ctx, env, c, t)
			}()
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	if err := stop(cs); err != nil {
		return err
	}
	if err := stop(infra); err != nil {
		return err
	}
	recordEvent(env, p, events.Stop)
	return nil
}

// Kill sends sig to the pod's running containers.
func Kill(env runtime.Env, p *Pod, sig syscall.Signal) error {
	return each(env, p, events.Kill, func(c *runtime.Container) error {
		if !c.Alive() {
			return nil
		}
		return runtime.Kill(env, c, sig)
	})
}

// Pause freezes the pod's running containers.
func Pause(env runtime.Env, p *Pod) error {
	return each(env, p, events.Pause, func(c *runtime.Container) error {
		if !c.Alive() || c.State.Paused {
			return nil
		}
		return runtime.Pause(env, c)
	})
}

// Unpause thaws the pod's paused containers.
func Unpause(env runtime.Env, p *Pod) error {
	return each(env, p, events.Unpause, func(c *runtime.Container) error {
		if !c.Alive() || !c.State.Paused {
			return nil
		}
		return runtime.Unpause(env, c)
	})
}

// each runs fn for each of the pod's containers and records the pod's
// event when all went well.
func each(env runtime.Env, p *Pod, status events.Status, fn func(*runtime.Container) error) error {
	cs, err := Members(env, p)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range cs {
		errs = append(errs, fn(c))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	recordEvent(env, p, status)
	return nil
}

// Restart stops the pod's containers and starts them again.
func Restart(ctx context.Context, env runtime.Env, p *Pod, start StartFunc) error {
	if err := Stop(ctx, env, p, StopOptions{}); err != nil {
		return err
	}
	return Start(ctx, env, p, start)
}

// RemoveOptions are pod rm's choices.
type RemoveOptions struct {
	// Force stops running containers first (killed after Timeout, if
	// set, else at once).
	Force   bool
	Timeout *time.Duration
}

// Remove removes the pod with its containers, the infra container last.
// Running containers are refused without Force.
func Remove(ctx context.Context, env runtime.Env, p *Pod, o RemoveOptions) error {
	unlock, err := lock(env.Store)
	if err != nil {
		return err
	}
	defer unlock()
	return remove(ctx, env, p, o)
}

// remove is Remove with the pods' lock held.
func remove(ctx context.Context, env runtime.Env, p *Pod, o RemoveOptions) error {
	cs, err := Members(env, p)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Alive() && !o.Force {
			return setting.Errorf("pod %s has containers that are not ready to be removed: container %s is running: %w: stop the pod first (husk pod stop) or give {force}", p.ID, c.ID, ErrPodRunning)
		}
	}
	if o.Force && o.Timeout != nil && *o.Timeout > 0 {
		if err := Stop(ctx, env, p, StopOptions{Timeout: o.Timeout}); err != nil {
			return err
		}
	}
	// Members first: the infra container holds their namespaces.
	for i := len(cs) - 1; i >= 0; i-- {
		if err := runtime.Remove(ctx, env, cs[i], o.Force); err != nil {
			return fmt.Errorf("remove pod %s: %w", p.Name, err)
		}
	}
	if err := os.RemoveAll(p.dir); err != nil {
		return fmt.Errorf("remove pod %s: %w", p.Name, err)
	}
	recordEvent(env, p, events.Remove)
	return nil
}

// Prune removes the exited pods (all their containers stopped; a pod
// that only has created ones stays, as podman's prune leaves it), and
// returns their IDs.
func Prune(ctx context.Context, env runtime.Env) ([]string, error) {
	pods, err := List(env.Store)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range pods {
		cs, err := Members(env, p)
		if err != nil {
			return out, err
		}
		if State(cs) != StateExited {
			continue
		}
		if err := Remove(ctx, env, p, RemoveOptions{}); err != nil {
			if errors.Is(err, ErrPodRunning) {
				continue // started meanwhile
			}
			return out, err
		}
		out = append(out, p.ID)
	}
	return out, nil
}

// RemoveOrphans removes the pods whose infra container is gone (rm -a
// removes every container, infra ones too, as podman's does).
func RemoveOrphans(env runtime.Env) error {
	pods, err := List(env.Store)
	if err != nil {
		return err
	}
	for _, p := range pods {
		if !p.HasInfra() {
			continue
		}
		if _, err := runtime.Lookup(env.Store, p.InfraID); !errors.Is(err, runtime.ErrContainerUnknown) {
			continue
		}
		if err := Remove(context.Background(), env, p, RemoveOptions{Force: true}); err != nil {
			return err
		}
	}
	return nil
}

// Holder is the container that holds the namespaces of a pod without an
// infra container (nil: none yet, or the pod shares nothing).
func Holder(env runtime.Env, p *Pod) (*runtime.Container, error) {
	if p.HasInfra() || len(p.Share) == 0 {
		return nil, nil
	}
	all, err := runtime.List(env.Store)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.Config.Pod == p.ID && c.Config.Holder {
			return c, nil
		}
	}
	return nil, nil
}
