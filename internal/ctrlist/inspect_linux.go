package ctrlist

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"

	"github.com/husk-dev/husk/internal/inspect"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
	"github.com/husk-dev/husk/pkg/storage"
)

// InspectOptions are husk's settings inspect reports a container with.
type InspectOptions struct {
	// CgroupManager is the manager of containers whose settings name none.
	CgroupManager string
	// VolumeDir is where named volumes are (--volumepath) when the
	// container recorded none; "" is ROOT/volumes.
	VolumeDir string
}

// InspectContainer is the container ref as podman's container inspect
// shows it, with husk's record and config.json beside it.
func InspectContainer(store *storage.Store, ref string, o InspectOptions) (inspect.Container, error) {
	c, err := runtime.Lookup(store, ref)
	if err != nil {
		return inspect.Container{}, err
	}
	src := inspect.Source{Driver: string(store.Driver), CgroupManager: o.CgroupManager}
	if b, err := c.ReadBundleSpec(); err == nil {
		src.OCIConfig = b
	}
	if ic, err := store.ImageConfig(c.Config.ImageID); err == nil {
		src.Image = &spec.ImageConfig{Entrypoint: ic.Config.Entrypoint, Cmd: ic.Config.Cmd, Env: ic.Config.Env,
			WorkingDir: ic.Config.WorkingDir, User: ic.Config.User, StopSignal: ic.Config.StopSignal}
	}
	if img, err := store.Image(c.Config.ImageID); err == nil {
		src.ImageDigest = img.Digest.String()
		src.ImageName = fullName(c.Config.Image, img.Names)
	}
	vdir := o.VolumeDir
	if c.Config.Settings.VolumePath != "" {
		vdir = c.Config.Settings.VolumePath
	}
	if vdir == "" {
		vdir = filepath.Join(store.GraphRoot, "volumes")
	}
	vs := &runtime.VolumeStore{Dir: vdir}
	src.VolumePath = func(name string) string {
		if v, err := vs.Get(name); err == nil {
			return v.Path
		}
		return ""
	}
	src.Network = func(name string) (int, string) {
		nets, err := netns.OpenNetworks(runtime.NetworksDir(store.GraphRoot))
		if err != nil {
			return 0, ""
		}
		n, err := nets.Get(name)
		if err != nil {
			return 0, ""
		}
		bits := 0
		if _, sub, err := net.ParseCIDR(n.Subnet); err == nil {
			bits, _ = sub.Mask.Size()
		}
		return bits, n.Gateway
	}
	src.Endpoints = func() []netns.Endpoint { return runtime.Endpoints(store.RunRoot, c) }
	return inspect.FromContainer(c, src), nil
}

// RemoveStopped removes every container that is not running (husk
// container prune) and returns their IDs, before an error too.
func RemoveStopped(ctx context.Context, store *storage.Store, env runtime.Env) ([]string, error) {
	return RemoveStoppedMatching(ctx, store, env, nil)
}

// RemoveStoppedMatching is RemoveStopped of only the containers match
// accepts (nil: all).
func RemoveStoppedMatching(ctx context.Context, store *storage.Store, env runtime.Env, match func(*runtime.Container) bool) ([]string, error) {
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
		if c.State.Status == runtime.StatusRunning || (match != nil && !match(c)) {
			continue
		}
		if c.Config.Infra {
			continue // it goes with its pod (podman's prune leaves it too)
		}
		if err := runtime.Remove(ctx, env, c, false); err != nil {
			return removed, err
		}
		removed = append(removed, c.ID)
	}
	return removed, nil
}

// fullName is the image's stored name the container was created with
// (with its tag, as podman shows it), else ref as given.
func fullName(ref string, names []string) string {
	for _, n := range names {
		if n == ref || n == ref+":latest" || strings.HasSuffix(n, "/"+ref) || strings.HasSuffix(n, "/"+ref+":latest") {
			return n
		}
	}
	return ref
}
