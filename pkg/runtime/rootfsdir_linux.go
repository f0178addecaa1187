package runtime

import (
	"fmt"
	"os"
	"path/filepath"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
)

// createImage is the ID of the image a new container is made from (""
// for a --rootfs directory).
func createImage(env Env, cfg Config) (string, error) {
	if cfg.Rootfs != "" {
		return "", CheckRootfsDir(cfg.Rootfs)
	}
	img, _, err := env.Store.Lookup(cfg.Image)
	if err != nil {
		return "", err
	}
	return img.ID, nil
}

// mountRoot is the container's root filesystem: --rootfs's directory, or
// its storage layers mounted.
func mountRoot(env Env, c *Container) (string, error) {
	if c.Config.Rootfs != "" {
		if err := checkRootfsDir(c.Config.Rootfs); err != nil {
			return "", err
		}
		if c.Config.RootfsOverlay {
			return rootfsOverlay(c)
		}
		return c.Config.Rootfs, nil
	}
	p, err := env.Store.Mount(c.ID, "")
	if err != nil {
		return "", fmt.Errorf("mount container %s: %w", c.Name, err)
	}
	return p, nil
}

// unmountRoot takes back mountRoot's mount (none for a --rootfs
// directory).
func unmountRoot(env Env, c *Container) {
	switch {
	case c.Config.Rootfs == "":
		_, _ = env.Store.Unmount(c.ID, false)
	case c.Config.RootfsOverlay:
		// The running container keeps its own copy of the mount.
		_ = unix.Unmount(filepath.Join(c.Dir, "rootfs-overlay", "merged"), unix.MNT_DETACH)
	}
}

// CheckRootfsDir checks --rootfs's directory: an absolute path to a
// directory.
func CheckRootfsDir(dir string) error {
	if !filepath.IsAbs(dir) {
		return setting.Errorf("{rootfs} %q: give the directory's absolute path", dir)
	}
	return checkRootfsDir(dir)
}

func checkRootfsDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return setting.Errorf("{rootfs}: %w", err)
	}
	if !st.IsDir() {
		return setting.Errorf("{rootfs} %q is not a directory", dir)
	}
	return nil
}

// imageConfig is the container's image's config (an empty one for a
// --rootfs directory).
func imageConfig(env Env, c *Container) (*imgspecv1.Image, error) {
	if c.Config.ImageID == "" && c.Config.Rootfs != "" {
		return &imgspecv1.Image{}, nil
	}
	return env.Store.ImageConfig(c.Config.ImageID)
}

// rootfsOverlay is --rootfs DIR:O's root: an overlay on DIR whose upper
// directory is in the container's directory (kept across its runs, gone
// with it); mounted once, then reused.
func rootfsOverlay(c *Container) (string, error) {
	dir := filepath.Join(c.Dir, "rootfs-overlay")
	merged := filepath.Join(dir, "merged")
	var st, parent unix.Stat_t
	if unix.Stat(merged, &st) == nil && unix.Stat(dir, &parent) == nil && st.Dev != parent.Dev {
		return merged, nil
	}
	upper, work := filepath.Join(dir, "upper"), filepath.Join(dir, "work")
	for _, d := range []string{upper, work, merged} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", fmt.Errorf("make the overlay directories of %s: %w", c.Config.Rootfs, err)
		}
	}
	data := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s,userxattr", c.Config.Rootfs, upper, work)
	if err := unix.Mount("overlay", merged, "overlay", 0, data); err != nil {
		return "", fmt.Errorf("mount an overlay on %s: %w", c.Config.Rootfs, err)
	}
	return merged, nil
}
