package runtime

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

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
// were /, and every file of the container is created, opened or read
// relative to a directory inside it (ctrRoot): neither its symlinks nor a
// running container swapping them lead outside it.
func Copy(env Env, c *Container, dir CopyDirection, src, dst string, o CopyOptions) error {
	t, done, err := openTree(env, c)
	if err != nil {
		return err
	}
	defer done()
	t.overwrite = o.Overwrite
	contents := strings.HasSuffix(src, "/.") || src == "."
	if dir == CopyIn {
		own, err := ownerFor(env, c, t.rootfs, o)
		if err != nil {
			return err
		}
		return copyIn(t, src, ctrPath(dst), dst, contents, own)
	}
	return copyOut(t, ctrPath(src), dst, contents)
}

// ctrPath makes a path given for the container absolute and clean.
func ctrPath(p string) string {
	if !filepath.IsAbs(p) {
		p = "/" + p
	}
	return filepath.Clean(p)
}

// copyIn copies the host's src to the container path dst (given as
// dstArg).
func copyIn(t *ctrTree, src, dst, dstArg string, contents bool, own copyOwner) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return fmt.Errorf("copy %q: %w", src, err)
	}
	r, rest, err := t.at(dst)
	if err != nil {
		return err
	}
	base := ""
	if st, err := r.Stat(rest); err == nil {
		isDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
		if isDir && !contents {
			base = filepath.Base(filepath.Clean(src))
		} else if !isDir && fi.IsDir() {
			return fmt.Errorf("copy %q: destination %q is not a directory", src, dstArg)
		}
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		return t.place(filepath.Join(dst, base, rel), copySource{
			mode: info.Mode(), uid: -1, gid: -1,
			open:     func() (io.ReadCloser, error) { return os.Open(p) },
			readlink: func() (string, error) { return os.Readlink(p) },
		}, own)
	})
}

// copyOut copies the container path src to the host's dst.
func copyOut(t *ctrTree, src, dst string, contents bool) error {
	r, rest, err := t.at(src)
	if err != nil {
		return err
	}
	st, err := r.Stat(rest)
	if err != nil {
		return fmt.Errorf("copy %q: %w", src, err)
	}
	base := ""
	if dfi, err := os.Stat(dst); err == nil && dfi.IsDir() && !contents {
		base = filepath.Base(src)
	} else if err == nil && !dfi.IsDir() && st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return fmt.Errorf("copy %q: destination %q is not a directory", src, dst)
	}
	return r.Walk(rest, func(rel string, e ctrEntry) error {
		p, src := filepath.Join(dst, base, rel), e.source()
		if err := clearConflict(hostFiles{}, p, src, t.overwrite); err != nil {
			return err
		}
		return copyEntry(hostFiles{}, p, src)
	})
}

// copySource is one file to copy: its type and mode, and how to read it.
type copySource struct {
	mode     fs.FileMode
	uid, gid int // -1: a host file's (the user's own)
	open     func() (io.ReadCloser, error)
	readlink func() (string, error)
}

// copyDest is the side a copy writes to: the host (hostFiles), a
// container (ctrTree) or one of its roots (ctrRoot).
type copyDest interface {
	Mkdir(p string, perm fs.FileMode) error
	OpenFile(p string, flag int, perm fs.FileMode) (*os.File, error)
	Symlink(target, p string) error
	Mkfifo(p string, perm fs.FileMode) error
}

// copyEntry copies one file to dst's path p: a directory is created (its
// contents are entries of their own), a symlink copied as a symlink.
func copyEntry(dst copyDest, p string, src copySource) error {
	perm := src.mode.Perm()
	var err error
	switch {
	case src.mode.IsDir():
		err = dst.Mkdir(p, perm)
	case src.mode&fs.ModeSymlink != 0:
		var target string
		if target, err = src.readlink(); err == nil {
			err = dst.Symlink(target, p)
		}
	case src.mode.IsRegular():
		err = copyFile(dst, p, src, perm)
	case src.mode&fs.ModeNamedPipe != 0:
		err = dst.Mkfifo(p, perm)
	default:
		// Devices (which a user namespace cannot create) and sockets
		// are not copied.
	}
	if err != nil {
		return fmt.Errorf("copy to %q: %w", p, err)
	}
	return nil
}

func copyFile(dst copyDest, p string, src copySource, perm fs.FileMode) error {
	in, err := src.open()
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := dst.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		// The mode of a file that was there, and the bits the umask
		// took from a new one.
		err = out.Chmod(perm)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// hostFiles writes to the host's files by path: they are the user's own.
// A symlink there is not written through (the container chose its
// target).
type hostFiles struct{}

func (hostFiles) Mkdir(p string, perm fs.FileMode) error {
	if err := os.Mkdir(p, perm); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

func (hostFiles) OpenFile(p string, flag int, perm fs.FileMode) (*os.File, error) {
	return os.OpenFile(p, flag|unix.O_NOFOLLOW, perm)
}

func (hostFiles) Symlink(target, p string) error {
	_ = os.Remove(p)
	return os.Symlink(target, p)
}

func (hostFiles) Mkfifo(p string, perm fs.FileMode) error {
	if err := unix.Mkfifo(p, uint32(perm)); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// ctrTree is a container's files as cp sees them: a path lives in the
// rootfs or in the volume mounted over it (dataRoot); each root is opened
// once and everything in it is reached through it.
type ctrTree struct {
	env    Env
	c      *Container
	rootfs string
	roots  map[string]*ctrRoot
	// overwrite replaces a directory by a file and the other way round
	// (cp --overwrite), in the container or, copying out, on the host.
	overwrite bool
}

// at returns the root that holds the container path p, and p's path in it.
func (t *ctrTree) at(p string) (*ctrRoot, string, error) {
	dir, rest, err := dataRoot(t.env, t.c, t.rootfs, p)
	if err != nil {
		return nil, "", err
	}
	if r, ok := t.roots[dir]; ok {
		return r, rest, nil
	}
	r, err := openCtrRoot(dir)
	if err != nil {
		return nil, "", fmt.Errorf("open the files of container %s: %w", t.c.Name, err)
	}
	if dir == procRoot(t.c) && !t.c.Alive() {
		// The pid may have gone to another process before the open.
		r.Close()
		return nil, "", fmt.Errorf("open the files of container %s: it stopped", t.c.Name)
	}
	t.roots[dir] = r
	return r, rest, nil
}

func (t *ctrTree) Close() {
	for _, r := range t.roots {
		r.Close()
	}
}

func (t *ctrTree) Mkdir(p string, perm fs.FileMode) error {
	r, rest, err := t.at(p)
	if err != nil {
		return err
	}
	return r.Mkdir(rest, perm)
}

func (t *ctrTree) OpenFile(p string, flag int, perm fs.FileMode) (*os.File, error) {
	r, rest, err := t.at(p)
	if err != nil {
		return nil, err
	}
	return r.OpenFile(rest, flag, perm)
}

func (t *ctrTree) Symlink(target, p string) error {
	r, rest, err := t.at(p)
	if err != nil {
		return err
	}
	return r.Symlink(target, rest)
}

func (t *ctrTree) Mkfifo(p string, perm fs.FileMode) error {
	r, rest, err := t.at(p)
	if err != nil {
		return err
	}
	return r.Mkfifo(rest, perm)
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
			// The tmpfs exists only in the running container's mount
			// namespace: reached through its init's root, as a root
			// of its own (podman joins the namespace instead).
			if !c.Alive() {
				return "", "", fmt.Errorf("%s is on a tmpfs of container %s, which is not running: start it first", p, c.Name)
			}
			return procRoot(c), p, nil
		}
	}
	return rootfs, p, nil
}

// procRoot is the root of a running container's init as its mount
// namespace has it.
func procRoot(c *Container) string { return "/proc/" + strconv.Itoa(c.State.Pid) + "/root" }
