package kube

import (
	"context"
	"os"
	"path/filepath"
	"strings"
)

// BuildMode says when Play builds a container's image from a directory
// named after it (podman's kube play --build).
type BuildMode int

const (
	// BuildMissing builds an image the store does not have when its
	// directory has a Containerfile or Dockerfile.
	BuildMissing BuildMode = iota
	// BuildAlways builds every image that has such a directory.
	BuildAlways
	// BuildNever builds nothing.
	BuildNever
)

// PlayOptions of Play.
type PlayOptions struct {
	Build BuildMode
	// Dir holds the images' directories (podman: the current directory).
	Dir string
}

// buildDir is the directory an image is built from: DIR/NAME, NAME the
// image's last path element without tag or digest, when it holds a
// Containerfile or Dockerfile.
func buildDir(dir, image string) string {
	name := image
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name, _, _ = strings.Cut(name, "@")
	name, _, _ = strings.Cut(name, ":")
	if name == "" || name == "." || name == ".." {
		return ""
	}
	d := filepath.Join(dir, name)
	for _, f := range []string{"Containerfile", "Dockerfile"} {
		if st, err := os.Stat(filepath.Join(d, f)); err == nil && st.Mode().IsRegular() {
			return d
		}
	}
	return ""
}

// build builds the pods' images as o says, each once, before anything
// is made.
func build(ctx context.Context, r Runner, pods []Pod, o PlayOptions) error {
	if o.Build == BuildNever {
		return nil
	}
	done := map[string]bool{}
	for _, p := range pods {
		for _, image := range p.Images {
			if done[image] {
				continue
			}
			done[image] = true
			d := buildDir(o.Dir, image)
			if d == "" {
				continue
			}
			if o.Build == BuildMissing {
				if _, err := r.Husk(ctx, nil, "image", "exists", image); err == nil {
					continue
				}
			}
			if _, err := r.Husk(ctx, nil, "build", "-q", "-t", image, d); err != nil {
				return err
			}
		}
	}
	return nil
}
