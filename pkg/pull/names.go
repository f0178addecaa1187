package pull

import (
	"fmt"
	"strings"

	"go.podman.io/image/v5/docker/reference"
)

// qualified parses a destination registry name; it must name its registry
// (pushing a short name would guess where the image goes).
func qualified(name string) (reference.Named, error) {
	n, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrBadReference, name, err)
	}
	first, _, found := strings.Cut(name, "/")
	if !found || !(strings.ContainsAny(first, ".:") || first == "localhost") {
		return nil, fmt.Errorf("%w %q: a push destination must include the registry, e.g. 127.0.0.1:5000/%s", ErrBadReference, name, name)
	}
	return reference.TagNameOnly(n), nil
}
