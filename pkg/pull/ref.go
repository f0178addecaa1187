package pull

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/transports/alltransports"
	"go.podman.io/image/v5/types"
)

// ErrBadReference is returned for references that cannot be parsed.
var ErrBadReference = errors.New("invalid image reference")

// Source is a parsed image source: either a registry name, possibly short
// (Transport "docker" with Name set), or a reference in another transport.
type Source struct {
	// Name is the registry reference as typed (may be a short name).
	Name string
	// Ref is set for explicit transports.
	Ref types.ImageReference
}

// IsRegistry reports whether the source is a registry name.
func (s Source) IsRegistry() bool { return s.Ref == nil }

// ParseSource parses IMAGE as typed on the command line.
func ParseSource(s string) (Source, error) {
	if s == "" {
		return Source{}, fmt.Errorf("%w: empty", ErrBadReference)
	}
	if strings.HasPrefix(s, "docker://") {
		name := withoutTagBesideDigest(strings.TrimPrefix(s, "docker://"))
		if _, err := reference.ParseNormalizedNamed(name); err != nil {
			return Source{}, fmt.Errorf("%w %q: %v", ErrBadReference, s, err)
		}
		return Source{Name: name}, nil
	}
	if HasTransport(s) {
		ref, err := alltransports.ParseImageName(s)
		if err != nil {
			return Source{}, fmt.Errorf("%w %q: %v", ErrBadReference, s, err)
		}
		return Source{Ref: ref}, nil
	}
	if _, err := reference.ParseNormalizedNamed(s); err != nil {
		return Source{}, fmt.Errorf("%w %q: %v", ErrBadReference, s, err)
	}
	return Source{Name: withoutTagBesideDigest(s)}, nil
}

// withoutTagBesideDigest drops the tag of "repo:tag@sha256:…": the digest
// names the image and the tag says nothing more, as podman has it (the
// registry transport refuses a reference with both).
func withoutTagBesideDigest(s string) string {
	name, digest, ok := strings.Cut(s, "@")
	if !ok {
		return s
	}
	slash := strings.LastIndex(name, "/")
	if colon := strings.LastIndex(name, ":"); colon > slash {
		name = name[:colon]
	}
	return name + "@" + digest
}

// localName is the store name for an image from a non-registry transport
// that carries no name of its own: localhost/<base name of the path>.
func localName(ref types.ImageReference) (reference.Named, error) {
	if n := ref.DockerReference(); n != nil {
		return reference.TagNameOnly(n), nil
	}
	within := ref.StringWithinTransport()
	path, tag, _ := strings.Cut(within, ":")
	if strings.HasPrefix(tag, "@") {
		tag = "" // docker-archive's "@INDEX" names no tag
	}
	base := strings.ToLower(filepath.Base(strings.TrimSuffix(path, "/")))
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".tar"), ".oci")
	clean := strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '-'
	}, base)
	clean = strings.Trim(clean, "-_.")
	if clean == "" {
		clean = "image"
	}
	name := "localhost/" + clean
	if tag != "" {
		if named, err := reference.ParseNormalizedNamed(tag); err == nil && strings.Contains(tag, "/") {
			return reference.TagNameOnly(named), nil
		}
		name += ":" + tag
	}
	n, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return nil, fmt.Errorf("name image from %q: %w", within, err)
	}
	return reference.TagNameOnly(n), nil
}
