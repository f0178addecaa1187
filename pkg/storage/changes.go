package storage

import (
	"fmt"
	"sort"
	"strings"

	"go.podman.io/storage/pkg/archive"
)

// ChangeKind says how a path differs from the layer below.
type ChangeKind string

const (
	Changed ChangeKind = "C"
	Added   ChangeKind = "A"
	Deleted ChangeKind = "D"
)

// Change is one path a layer adds, changes or deletes.
type Change struct {
	Kind ChangeKind
	Path string
}

// LayerChanges lists what the layer changes over its parent (everything,
// for a base layer), sorted by path as podman diff shows them on overlay.
func (s *Store) LayerChanges(layerID string) ([]Change, error) {
	changes, err := s.Changes("", layerID)
	if err != nil {
		return nil, fmt.Errorf("compare layer %s with its parent: %w", short(layerID), err)
	}
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		out = append(out, Change{Kind: changeKind(c.Kind), Path: c.Path})
	}
	// Component by component, so that a directory's contents follow it
	// (/a, /a/x, /a-b): the order of an overlay layer's walk, which podman
	// diff shows on its default driver.
	sort.Slice(out, func(i, j int) bool { return pathKey(out[i].Path) < pathKey(out[j].Path) })
	return out, nil
}

func pathKey(p string) string { return strings.ReplaceAll(p, "/", "\x00") }

func changeKind(k archive.ChangeType) ChangeKind {
	switch k {
	case archive.ChangeAdd:
		return Added
	case archive.ChangeDelete:
		return Deleted
	}
	return Changed
}

// mountTargets are the paths a container's runtime mounts over: what its
// layer shows there is an empty mount point, not the container's doing.
var mountTargets = map[string]bool{
	"/dev": true, "/proc": true, "/sys": true, "/run": true,
	"/etc/hostname": true, "/etc/hosts": true, "/etc/resolv.conf": true,
	"/run/.containerenv": true, "/run/secrets": true,
}

// WithoutMountTargets leaves out the mount points a container's runtime
// creates, as podman diff does for containers and images alike (a build's
// RUN steps have them too).
func WithoutMountTargets(changes []Change) []Change {
	out := changes[:0:0]
	for _, c := range changes {
		if !mountTargets[c.Path] {
			out = append(out, c)
		}
	}
	return out
}
