package pull

import (
	"fmt"

	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/types"
)

func dockerRef(n reference.Named) (types.ImageReference, error) {
	ref, err := docker.NewReference(n)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrBadReference, n.String(), err)
	}
	return ref, nil
}
