package runtime

import (
	"errors"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Mkdir creates the directory p; one that is there is fine. A symlink at
// p is followed inside the root.
func (r *ctrRoot) Mkdir(p string, perm fs.FileMode) error {
	dir, name, err := r.follow(p)
	if err != nil {
		return err
	}
	defer dir.Close()
	return mkdirat(dir, name, p, perm)
}

func mkdirat(dir *os.File, name, p string, perm fs.FileMode) error {
	err := unix.Mkdirat(int(dir.Fd()), name, uint32(perm.Perm()))
	if errors.Is(err, unix.EEXIST) {
		var st unix.Stat_t
		if err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return &fs.PathError{Op: "stat", Path: p, Err: err}
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return &fs.PathError{Op: "mkdir", Path: p, Err: unix.ENOTDIR}
		}
		return nil
	}
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: p, Err: err}
	}
	return nil
}

// MkdirAll creates p and its missing parents inside the root, the new
// ones owned by uid:gid (an id the user namespace does not map leaves
// them to root). A dangling symlink on the way gets its target created.
func (r *ctrRoot) MkdirAll(p string, perm fs.FileMode, uid, gid int) error {
	return r.mkdirAll(p, perm, uid, gid, 0)
}

// maxMkdirDepth bounds MkdirAll's recursion (path components plus
// symlinks followed).
const maxMkdirDepth = 1024

func (r *ctrRoot) mkdirAll(p string, perm fs.FileMode, uid, gid, depth int) error {
	dir, name, at, err := r.followAt(p)
	if errors.Is(err, unix.ENOENT) {
		// A directory above p (or above the target of a symlink at
		// p) is missing: make it, then look again.
		if depth == maxMkdirDepth {
			return &fs.PathError{Op: "mkdir", Path: p, Err: unix.ELOOP}
		}
		up := "/"
		if i := strings.LastIndexByte(strings.TrimSuffix(at, "/"), '/'); i > 0 {
			up = at[:i]
		}
		if err := r.mkdirAll(up, perm, uid, gid, depth+1); err != nil {
			return err
		}
		dir, name, _, err = r.followAt(p)
	}
	if err != nil {
		return err
	}
	defer dir.Close()
	err = unix.Mkdirat(int(dir.Fd()), name, uint32(perm.Perm()))
	switch {
	case errors.Is(err, unix.EEXIST):
		return mkdirat(dir, name, p, perm)
	case err != nil:
		return &fs.PathError{Op: "mkdir", Path: p, Err: err}
	}
	err = unix.Fchownat(int(dir.Fd()), name, uid, gid, unix.AT_SYMLINK_NOFOLLOW)
	if err != nil && !errors.Is(err, unix.EINVAL) {
		return &fs.PathError{Op: "chown", Path: p, Err: err}
	}
	return nil
}

// Symlink creates p as a symlink to target, replacing a file, symlink or
// empty directory at p (the symlink itself, not what it points to).
func (r *ctrRoot) Symlink(target, p string) error {
	dir, name, err := r.parent(p)
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := unix.Unlinkat(int(dir.Fd()), name, 0); errors.Is(err, unix.EISDIR) {
		_ = unix.Unlinkat(int(dir.Fd()), name, unix.AT_REMOVEDIR)
	}
	if err := unix.Symlinkat(target, int(dir.Fd()), name); err != nil {
		return &fs.PathError{Op: "symlink", Path: p, Err: err}
	}
	return nil
}

// Mkfifo creates a fifo at p; anything there already is left alone.
func (r *ctrRoot) Mkfifo(p string, perm fs.FileMode) error {
	dir, name, err := r.parent(p)
	if err != nil {
		return err
	}
	defer dir.Close()
	err = unix.Mknodat(int(dir.Fd()), name, unix.S_IFIFO|uint32(perm.Perm()), 0)
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return &fs.PathError{Op: "mkfifo", Path: p, Err: err}
	}
	return nil
}

// Lchown changes the owner of p itself (a symlink at p is not followed).
func (r *ctrRoot) Lchown(p string, uid, gid int) error {
	dir, name, err := r.parent(p)
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := unix.Fchownat(int(dir.Fd()), name, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &fs.PathError{Op: "lchown", Path: p, Err: err}
	}
	return nil
}

// ChmodDir changes the mode of the directory p (symlinks followed
// inside the root).
func (r *ctrRoot) ChmodDir(p string, perm fs.FileMode) error {
	dir, name, err := r.follow(p)
	if err != nil {
		return err
	}
	defer dir.Close()
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &fs.PathError{Op: "chmod", Path: p, Err: err}
	}
	defer unix.Close(fd)
	if err := unix.Fchmod(fd, uint32(perm.Perm())); err != nil {
		return &fs.PathError{Op: "chmod", Path: p, Err: err}
	}
	return nil
}

// ctrEntry is one file of a walk of a container root: its type, mode and
// owner, and how to read it (relative to its directory, never by path).
type ctrEntry struct {
	Mode     fs.FileMode
	UID, GID int
	ModTime  time.Time
	Dev      uint64   // the file system it is on
	dir      *os.File // the directory that holds it, open during fn
	name     string
	path     string // its path inside the root, for messages
}

// Open opens the entry, a regular file, for reading.
func (e ctrEntry) Open() (*os.File, error) {
	fd, err := unix.Openat(int(e.dir.Fd()), e.name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: e.path, Err: err}
	}
	return regularFile(fd, e.path)
}

// Readlink reads the entry, a symlink.
func (e ctrEntry) Readlink() (string, error) {
	target, err := readlinkat(e.dir, e.name)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: e.path, Err: err}
	}
	return target, nil
}

// Walk calls fn for p (symlinks followed inside the root) and, when it is
// a directory, for everything below it (symlinks not followed), a
// directory before what it holds, in name order (fn returning fs.SkipDir
// for a directory skips what it holds). rel is the path relative to p
// ("." for p).
func (r *ctrRoot) Walk(p string, fn func(rel string, e ctrEntry) error) error {
	dir, name, err := r.follow(p)
	if err != nil {
		return err
	}
	defer dir.Close()
	return walkAt(dir, name, p, ".", fn)
}

func walkAt(dir *os.File, name, p, rel string, fn func(string, ctrEntry) error) error {
	var st unix.Stat_t
	if err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &fs.PathError{Op: "lstat", Path: p, Err: err}
	}
	if rel == "." && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		// The top was followed, so it is no symlink: the container
		// swapped one in since.
		return &fs.PathError{Op: "open", Path: p, Err: unix.ELOOP}
	}
	e := ctrEntry{Mode: statMode(st), UID: int(st.Uid), GID: int(st.Gid), ModTime: time.Unix(st.Mtim.Unix()), Dev: st.Dev,
		dir: dir, name: name, path: p}
	if !e.Mode.IsDir() {
		return fn(rel, e)
	}
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &fs.PathError{Op: "open", Path: p, Err: err}
	}
	d := os.NewFile(uintptr(fd), p)
	defer d.Close()
	if err := fn(rel, e); err == fs.SkipDir {
		return nil
	} else if err != nil {
		return err
	}
	names, err := d.Readdirnames(-1)
	if err != nil {
		return &fs.PathError{Op: "readdir", Path: p, Err: err}
	}
	sort.Strings(names)
	for _, n := range names {
		if err := walkAt(d, n, strings.TrimSuffix(p, "/")+"/"+n, joinRel(rel, n), fn); err != nil {
			return err
		}
	}
	return nil
}

func joinRel(rel, name string) string {
	if rel == "." {
		return name
	}
	return rel + "/" + name
}

// statMode converts a stat mode to an fs.FileMode.
func statMode(st unix.Stat_t) fs.FileMode {
	m := fs.FileMode(st.Mode & 0o777)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	}
	if st.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if st.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if st.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

func readlinkat(dir *os.File, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(int(dir.Fd()), name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}
