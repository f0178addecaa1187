package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
)

// ImageMount is a --mount type=image: an image's files at Destination,
// read-only unless RW (then writes go to an overlay in the container's
// directory and are lost with the container).
type ImageMount struct {
	Image       string `json:"image"`
	ID          string `json:"id,omitempty"`
	Destination string `json:"destination"`
	RW          bool   `json:"rw,omitempty"`
}

// resolveImageMounts finds each image in the store at create: it must be
// there (as podman, husk does not pull it).
func resolveImageMounts(env Env, cfg *Config) error {
	for i, m := range cfg.ImageMounts {
		img, _, err := env.Store.Lookup(m.Image)
		if err != nil {
			return setting.Errorf("{mount} type=image,source=%s: %w; pull it first", m.Image, err)
		}
		cfg.ImageMounts[i].ID = img.ID
	}
	return nil
}

// mountImages mounts the images of --mount type=image and adds them to
// the spec; the teardown unmounts them.
func (s *starter) mountImages(sp *specs.Spec) error {
	for i, m := range s.c.Config.ImageMounts {
		path, err := s.env.Store.MountImage(m.ID, nil, "")
		if err != nil {
			return fmt.Errorf("mount image %q: %w", m.Image, err)
		}
		id := m.ID
		s.cleanup = append(s.cleanup, func() { _, _ = s.env.Store.UnmountImage(id, false) })
		opts := []string{"rbind", "rprivate", "ro"}
		if m.RW {
			if path, err = overlayOn(path, filepath.Join(s.c.Dir, "image-mounts", strconv.Itoa(i))); err != nil {
				return fmt.Errorf("mount image %q writable: %w", m.Image, err)
			}
			merged := path
			s.cleanup = append(s.cleanup, func() { _ = unix.Unmount(merged, unix.MNT_DETACH) })
			opts = opts[:2]
		}
		sp.Mounts = append(sp.Mounts, specs.Mount{Destination: m.Destination, Type: "bind", Source: path, Options: opts})
	}
	return nil
}

// overlayOn mounts a fresh writable overlay over the read-only lower
// directory under dir and returns its mount point.
func overlayOn(lower, dir string) (string, error) {
	_ = os.RemoveAll(dir) // what an earlier run wrote is gone, as in podman
	upper, work, merged := filepath.Join(dir, "upper"), filepath.Join(dir, "work"), filepath.Join(dir, "merged")
	for _, d := range []string{upper, work, merged} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	data := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s,userxattr", lower, upper, work)
	if err := unix.Mount("overlay", merged, "overlay", 0, data); err != nil {
		return "", fmt.Errorf("mount overlay: %w", err)
	}
	return merged, nil
}

// unmountImages takes back a crashed, reconciled or removed container's
// image mounts, and its --rootfs DIR:O overlay.
func unmountImages(env Env, c *Container) {
	if c.Config.RootfsOverlay {
		_ = unix.Unmount(filepath.Join(c.Dir, "rootfs-overlay", "merged"), unix.MNT_DETACH)
	}
	for i, m := range c.Config.ImageMounts {
		if m.RW {
			_ = unix.Unmount(filepath.Join(c.Dir, "image-mounts", strconv.Itoa(i), "merged"), unix.MNT_DETACH)
		}
		_, _ = env.Store.UnmountImage(m.ID, false)
	}
}
