package runtime

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"
)

// CopyDirection says which side of a copy is the container.
type CopyDirection int

const (
	CopyIn  CopyDirection = iota // host → container
	CopyOut                      // container → host
)

// Copy copies between the host and a container's filesystem (running or
// not), with docker cp's rules: a directory source lands inside an
// existing destination directory, or becomes the destination; "SRC/."
// copies the contents. Paths in the container are resolved as if its root
// were /, so its symlinks cannot lead outside it.
func Copy(env Env, c *Container, dir CopyDirection, src, dst string) error {
	rootfs, err := env.Store.Mount(c.ID, "")
	if err != nil {
		return fmt.Errorf("mount container %s: %w", c.Name, err)
	}
	defer func() { _, _ = env.Store.Unmount(c.ID, false) }()
	inCtr := func(p string) (string, error) {
		if !filepath.IsAbs(p) {
			p = "/" + p
		}
		root, rest, err := dataRoot(env, c, rootfs, filepath.Clean(p))
		if err != nil {
			return "", err
		}
		return securejoin.SecureJoin(root, rest)
	}
	contents := strings.HasSuffix(src, "/.") || src == "."
	var from, to string
	var resolveTo func(string) (string, error)
	if dir == CopyIn {
		from = src
		if to, err = inCtr(dst); err != nil {
			return err
		}
		resolveTo = func(rel string) (string, error) {
			return inCtr(filepath.Join("/", dst, rel))
		}
	} else {
		if from, err = inCtr(src); err != nil {
			return err
		}
		to = dst
		resolveTo = func(rel string) (string, error) { return filepath.Join(to, rel), nil }
	}
	fi, err := os.Lstat(from)
	if err != nil {
		return fmt.Errorf("copy %q: %w", src, err)
	}
	base := ""
	if dfi, err := os.Stat(to); err == nil && dfi.IsDir() && !contents {
		base = filepath.Base(filepath.Clean(src))
	} else if err == nil && !dfi.IsDir() && fi.IsDir() {
		return fmt.Errorf("copy %q: destination %q is not a directory", src, dst)
	}
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target, err := resolveTo(filepath.Join(base, rel))
		if err != nil {
			return err
		}
		return copyEntry(p, target, d)
	})
}

func copyEntry(src, dst string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	switch {
	case info.IsDir():
		if err := os.Mkdir(dst, info.Mode().Perm()); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("copy to %q: %w", dst, err)
		}
		return nil
	case info.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		_ = os.Remove(dst)
		return os.Symlink(target, dst)
	case info.Mode().IsRegular():
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|oNoFollow, info.Mode().Perm())
		if err != nil {
			return fmt.Errorf("copy to %q: %w", dst, err)
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return fmt.Errorf("copy to %q: %w", dst, err)
		}
		if err := out.Close(); err != nil {
			return fmt.Errorf("copy to %q: %w", dst, err)
		}
		return os.Chmod(dst, info.Mode().Perm())
	case info.Mode()&fs.ModeNamedPipe != 0:
		if err := unix.Mkfifo(dst, uint32(info.Mode().Perm())); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("copy to %q: %w", dst, err)
		}
		return nil
	}
	return nil // devices (which a user namespace cannot create) and sockets are not copied
}

// dataRoot finds where a container path's data lives: under a bind mount
// or named volume it is the mount's source (the container's rootfs has
// only the empty mount point there), else the rootfs.
func dataRoot(env Env, c *Container, rootfs, p string) (string, string, error) {
	vols := append([]VolumeSpec(nil), c.Config.Volumes...)
	sort.Slice(vols, func(i, j int) bool { return len(vols[i].Destination) > len(vols[j].Destination) })
	for _, v := range vols {
		d := filepath.Clean(v.Destination)
		if p != d && !strings.HasPrefix(p, d+"/") {
			continue
		}
		rest := "/" + strings.TrimPrefix(strings.TrimPrefix(p, d), "/")
		switch v.Kind {
		case VolumeBind:
			return v.Source, rest, nil
		case VolumeNamed:
			if env.Volumes == nil {
				break
			}
			vol, err := env.Volumes.Get(v.Source)
			if err != nil {
				return "", "", err
			}
			return vol.Path, rest, nil
		case VolumeTmpfs:
			return "", "", fmt.Errorf("%s is on a tmpfs that exists only inside the running container: use 'husk exec'", p)
		}
	}
	return rootfs, p, nil
}
