package volumeuse

import (
	"errors"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// InUse maps volume names to the containers that mount them.
func InUse(store *storage.Store) (map[string][]string, error) {
	cs, err := runtime.List(store)
	if err != nil {
		return nil, err
	}
	used := map[string][]string{}
	for _, c := range cs {
		for _, v := range c.Config.Volumes {
			if v.Kind == runtime.VolumeNamed {
				used[v.Source] = append(used[v.Source], c.Name)
			}
		}
	}
	return used, nil
}

// ErrVolumeInUse is returned for removing a volume containers use,
// without force.
var ErrVolumeInUse = errors.New("volume is being used")

// RemoveOptions are volume rm's choices.
type RemoveOptions struct {
	// Force removes a volume containers use, after removing them with
	// RemoveUsers (as podman volume rm -f does).
	Force       bool
	RemoveUsers func(names []string) error
}

// Remove removes the named volumes of vs, in order; one a container of
// store uses only with o.Force. It returns the names removed, before an
// error too.
func Remove(store *storage.Store, vs *runtime.VolumeStore, names []string, o RemoveOptions) ([]string, error) {
	used, err := InUse(store)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, n := range names {
		if users := used[n]; len(users) > 0 {
			if !o.Force || o.RemoveUsers == nil {
				return removed, setting.Errorf("volume %q is used by container(s) %s: %w: remove them first or use {force}", n, strings.Join(users, ", "), ErrVolumeInUse)
			}
			if err := o.RemoveUsers(users); err != nil {
				return removed, err
			}
		}
		if err := vs.Remove(n); err != nil {
			return removed, err
		}
		removed = append(removed, n)
	}
	return removed, nil
}

// Prune removes every volume of vs no container of store uses, and
// returns their names (before an error too).
func Prune(store *storage.Store, vs *runtime.VolumeStore) ([]string, error) {
	return PruneMatching(store, vs, nil)
}

// PruneMatching is Prune of only the volumes match accepts (nil: all).
func PruneMatching(store *storage.Store, vs *runtime.VolumeStore, match func(*runtime.Volume) bool) ([]string, error) {
	names, err := Unused(store, vs, match)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, n := range names {
		if err := vs.Remove(n); err != nil {
			return removed, err
		}
		removed = append(removed, n)
	}
	return removed, nil
}

// Unused names the volumes of vs that no container of store uses and
// match accepts (nil: all): what PruneMatching removes.
func Unused(store *storage.Store, vs *runtime.VolumeStore, match func(*runtime.Volume) bool) ([]string, error) {
	used, err := InUse(store)
	if err != nil {
		return nil, err
	}
	vols, err := vs.List()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, v := range vols {
		if len(used[v.Name]) == 0 && (match == nil || match(v)) {
			names = append(names, v.Name)
		}
	}
	return names, nil
}
