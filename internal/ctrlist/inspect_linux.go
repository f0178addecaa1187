package ctrlist

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// Inspect is what husk container inspect prints: the record and the
// generated config.json, the container's full security profile.
type Inspect struct {
	ID        string          `json:"Id"`
	Name      string          `json:"Name"`
	Image     string          `json:"Image"`
	ImageID   string          `json:"ImageID"`
	Config    runtime.Config  `json:"Config"`
	State     runtime.State   `json:"State"`
	OCIConfig json.RawMessage `json:"OCIConfig,omitempty"`
	Bundle    string          `json:"Bundle"`
}

// InspectContainer is the container ref's Inspect.
func InspectContainer(store *storage.Store, ref string) (Inspect, error) {
	c, err := runtime.Lookup(store, ref)
	if err != nil {
		return Inspect{}, err
	}
	ci := Inspect{ID: c.ID, Name: c.Name, Image: c.Config.Image, ImageID: c.Config.ImageID, Config: c.Config, State: c.State, Bundle: c.Dir}
	if b, err := os.ReadFile(c.BundleSpec()); err == nil {
		ci.OCIConfig = b
	}
	return ci, nil
}

// RemoveStopped removes every container that is not running (husk
// container prune) and returns their IDs, before an error too.
func RemoveStopped(ctx context.Context, store *storage.Store, env runtime.Env) ([]string, error) {
	cs, err := runtime.List(store)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, c := range cs {
		if err := runtime.Refresh(env, c); errors.Is(err, runtime.ErrContainerUnknown) {
			continue
		} else if err != nil {
			return removed, err
		}
		if c.State.Status == runtime.StatusRunning {
			continue
		}
		if err := runtime.Remove(ctx, env, c, false); err != nil {
			return removed, err
		}
		removed = append(removed, c.ID)
	}
	return removed, nil
}
