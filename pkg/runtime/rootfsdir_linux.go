package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"

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
	if c.Config.Rootfs == "" {
		_, _ = env.Store.Unmount(c.ID, false)
	}
}

// CheckRootfsDir checks --rootfs's directory: an absolute path to a
// directory. The :O suffix (an overlay on it) is not taken.
func CheckRootfsDir(dir string) error {
	if strings.HasSuffix(dir, ":O") {
		return setting.Errorf("{rootfs} %q: husk cannot yet lay an overlay over a root directory: drop :O (the container then writes to the directory itself), or copy the directory first", dir)
	}
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
