package layerreport

import (
	"errors"
	"fmt"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// Changes are husk diff's: those of the container named ref, else those
// of the image's top layer over the layer below, without mount points
// (storage.WithoutMountTargets), as podman diff shows both.
func Changes(env runtime.Env, ref string) ([]storage.Change, error) {
	c, cerr := runtime.Lookup(env.Store, ref)
	if cerr == nil {
		return runtime.Changes(env, c)
	}
	if !errors.Is(cerr, runtime.ErrContainerUnknown) {
		return nil, cerr
	}
	img, _, err := env.Store.Lookup(ref)
	if errors.Is(err, storage.ErrImageUnknown) {
		return nil, fmt.Errorf("%q is neither a container nor an image: see husk ps -a and husk images", ref)
	}
	if err != nil || img.TopLayer == "" {
		return nil, err
	}
	changes, err := env.Store.LayerChanges(img.TopLayer)
	return storage.WithoutMountTargets(changes), err
}
