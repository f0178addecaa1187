package runtime

import (
	"errors"
	"fmt"

	cstorage "go.podman.io/storage"
)

// Mounted is a container whose root filesystem is mounted.
type Mounted struct {
	ID, Name   string
	Mountpoint string
	// Count is the storage library's mount count: husk mount adds one,
	// a run holds one while its container runs.
	Count int
}

// ErrRunningMount is returned for an unmount that would take the root
// filesystem from under a running container.
var ErrRunningMount = errors.New("container is running")

// Mount mounts c's root filesystem (one more mount on the storage
// library's count) and returns where. The mount stays until Unmount
// takes it back, or the container is removed; rootless, it lives in
// husk's mount namespace (husk unshare shows it).
func Mount(env Env, c *Container) (string, error) {
	unlock, err := c.Lock()
	if err != nil {
		return "", err
	}
	defer unlock()
	return mountRoot(env, c)
}

// Unmount takes back one mount of c's root filesystem, or with force all
// of them; the file system is unmounted once no mount is left. The mount
// a running container's run holds stays: an unmount that would take it
// fails with ErrRunningMount, a forced one leaves it.
func Unmount(env Env, c *Container, force bool) error {
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	n, err := env.Store.Mounted(c.ID)
	if err != nil {
		return fmt.Errorf("unmount container %s: %w", c.Name, err)
	}
	keep := 0
	if c.Alive() {
		keep = 1
	}
	if n == 0 {
		return nil
	}
	if n <= keep {
		return fmt.Errorf("unmount container %s: %w: its root file system stays mounted while it runs", c.Name, ErrRunningMount)
	}
	if force && keep == 0 {
		_, err = env.Store.Unmount(c.ID, true)
	} else {
		for ; n > keep; n-- {
			if _, err = env.Store.Unmount(c.ID, false); err != nil || !force {
				break
			}
		}
	}
	if err != nil && !errors.Is(err, cstorage.ErrLayerNotMounted) {
		return fmt.Errorf("unmount container %s: %w", c.Name, err)
	}
	return nil
}

// MountedContainers lists husk's containers whose root filesystem is
// mounted, in cs's order.
func MountedContainers(env Env, cs []*Container) ([]Mounted, error) {
	var out []Mounted
	for _, c := range cs {
		sc, err := env.Store.Container(c.ID)
		if err != nil {
			continue // removed meanwhile
		}
		l, err := env.Store.Layer(sc.LayerID)
		if err != nil {
			continue
		}
		if l.MountCount > 0 && l.MountPoint != "" {
			out = append(out, Mounted{ID: c.ID, Name: c.Name, Mountpoint: l.MountPoint, Count: l.MountCount})
		}
	}
	return out, nil
}

// Cleanup releases what a stopped container still holds, as podman
// container cleanup does: its root file system mounts (its monitor
// normally does this as the container stops; a killed monitor leaves
// them). A running container is refused.
func Cleanup(env Env, c *Container) error {
	if err := Refresh(env, c); err != nil {
		return err
	}
	if c.Alive() {
		return fmt.Errorf("clean up container %s: %w: stop it first", c.Name, ErrRunningMount)
	}
	return Unmount(env, c, true)
}

// MountSet mounts the root file system of each container refs names (of
// every container with all), as husk mount does, and returns where; every
// name is looked up first.
func MountSet(env Env, refs []string, all bool) ([]string, error) {
	cs, err := List(env.Store)
	if err != nil {
		return nil, err
	}
	if !all {
		cs = cs[:0]
		for _, ref := range refs {
			c, err := Lookup(env.Store, ref)
			if err != nil {
				return nil, err
			}
			cs = append(cs, c)
		}
	}
	var paths []string
	for _, c := range cs {
		p, err := Mount(env, c)
		if err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
