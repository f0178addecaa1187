package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/cyphar/filepath-securejoin/pathrs-lite/procfs"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/userfile"
)

// maxSymlinks is how many symlinks one lookup may follow (the kernel's
// limit).
const maxSymlinks = 40

// ctrRoot is a directory tree a container controls: its rootfs, or the
// source of one of its volumes. A running container can change the tree
// at any moment, e.g. swap a directory for a symlink to a host path, so a
// path is never checked and then opened again by name: the root is held
// open, every path is resolved inside it as if it were / (openat2
// RESOLVE_IN_ROOT, or a checked walk on older kernels), and the last
// component is created, opened or read relative to its parent's
// descriptor without following a symlink.
type ctrRoot struct {
	dir  *os.File // O_PATH handle of the root
	real string   // the root's path as /proc/self/fd names it, once needed
}

// openCtrRoot opens dir (a path of the host, not of the container) as a
// container root.
func openCtrRoot(dir string) (*ctrRoot, error) {
	f, err := os.OpenFile(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return &ctrRoot{dir: f}, nil
}

func (r *ctrRoot) Close() error { return r.dir.Close() }

// parent resolves everything of p but its last component inside the root
// and returns a handle of that directory with the last component's name,
// which is "." when p names a directory itself ("/", "a/..", "a/").
func (r *ctrRoot) parent(p string) (*os.File, string, error) {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	i := strings.LastIndexByte(p, '/')
	dir, name := p[:i], p[i+1:]
	if dir == "" {
		dir = "/"
	}
	if name == "" || name == "." || name == ".." {
		dir, name = p, "."
	}
	h, err := pathrs.OpenatInRoot(r.dir, dir)
	if err != nil {
		return nil, "", inRootErr("open", dir, err)
	}
	return h, name, nil
}

// follow is parent, except that a last component that is a symlink is
// followed inside the root (a dangling one too: creating its name creates
// the target, as in a chroot). The name it returns was no symlink when it
// looked; the caller acts on it with O_NOFOLLOW or AT_SYMLINK_NOFOLLOW.
func (r *ctrRoot) follow(p string) (*os.File, string, error) {
	dir, name, _, err := r.followAt(p)
	return dir, name, err
}

// followAt is follow, also returning the path it ended at (that of the
// last symlink's target), also when its parent is missing.
func (r *ctrRoot) followAt(p string) (*os.File, string, string, error) {
	for links := 0; ; links++ {
		dir, name, err := r.parent(p)
		if err != nil {
			return nil, "", p, err
		}
		target, err := readlinkat(dir, name)
		if err != nil {
			// EINVAL: no symlink; ENOENT: nothing there yet.
			if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) {
				return dir, name, p, nil
			}
			dir.Close()
			return nil, "", p, &fs.PathError{Op: "readlink", Path: p, Err: err}
		}
		if links == maxSymlinks {
			dir.Close()
			return nil, "", p, &fs.PathError{Op: "open", Path: p, Err: unix.ELOOP}
		}
		if !strings.HasPrefix(target, "/") {
			// Relative to the link's directory, as it really is:
			// its path inside the root has no symlinks, so ".." in
			// the target means what it means to the kernel.
			at, err := r.pathOf(dir)
			if err != nil {
				dir.Close()
				return nil, "", p, err
			}
			target = strings.TrimSuffix(at, "/") + "/" + target
		}
		dir.Close()
		p = target
	}
}

// pathOf returns where a handle of a directory under the root is, as a
// path inside the root.
func (r *ctrRoot) pathOf(h *os.File) (string, error) {
	if r.real == "" {
		real, err := procfs.ProcSelfFdReadlink(r.dir)
		if err != nil {
			return "", fmt.Errorf("find the container root: %w", err)
		}
		r.real = real
	}
	got, err := procfs.ProcSelfFdReadlink(h)
	if err != nil {
		return "", fmt.Errorf("find a directory in the container: %w", err)
	}
	if got == r.real {
		return "/", nil
	}
	if rest, ok := strings.CutPrefix(got, strings.TrimSuffix(r.real, "/")+"/"); ok {
		return "/" + rest, nil
	}
	return "", fmt.Errorf("directory %q is not under the container root %q", got, r.real)
}

// Open opens the regular file at p for reading.
func (r *ctrRoot) Open(p string) (*os.File, error) {
	return r.openFile(p, unix.O_RDONLY, 0)
}

// OpenFile opens the regular file at p with flag (O_WRONLY, O_CREAT,
// O_TRUNC, O_APPEND); a symlink at p is followed inside the root.
func (r *ctrRoot) OpenFile(p string, flag int, perm fs.FileMode) (*os.File, error) {
	return r.openFile(p, flag, perm)
}

func (r *ctrRoot) openFile(p string, flag int, perm fs.FileMode) (*os.File, error) {
	dir, name, err := r.follow(p)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	// O_NONBLOCK: a fifo planted at p must not hang the open.
	fd, err := unix.Openat(int(dir.Fd()), name, flag|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, uint32(perm.Perm()))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	return regularFile(fd, p)
}

// regularFile turns fd into a blocking *os.File, or closes it when it is
// not a regular file.
func regularFile(fd int, p string) (*os.File, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: p, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, userfile.NotRegular(p, fileMode(st.Mode))
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	return os.NewFile(uintptr(fd), p), nil
}

// fileMode is the type bits of a stat mode as an fs.FileMode.
func fileMode(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFLNK:
		return fs.ModeSymlink
	}
	return 0
}

// Stat returns what is at p, following symlinks inside the root.
func (r *ctrRoot) Stat(p string) (unix.Stat_t, error) {
	var st unix.Stat_t
	dir, name, err := r.follow(p)
	if err != nil {
		return st, err
	}
	defer dir.Close()
	if err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return st, &fs.PathError{Op: "stat", Path: p, Err: err}
	}
	return st, nil
}

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
// directory before what it holds, in name order. rel is the path relative
// to p ("." for p).
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
	e := ctrEntry{Mode: statMode(st), UID: int(st.Uid), GID: int(st.Gid), dir: dir, name: name, path: p}
	if !e.Mode.IsDir() {
		return fn(rel, e)
	}
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &fs.PathError{Op: "open", Path: p, Err: err}
	}
	d := os.NewFile(uintptr(fd), p)
	defer d.Close()
	if err := fn(rel, e); err != nil {
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

// inRootErr turns an error of a lookup in a root into one that names the
// path inside the container (not the host path of the root).
func inRootErr(op, p string, err error) error {
	var errno unix.Errno
	if errors.As(err, &errno) {
		return &fs.PathError{Op: op, Path: p, Err: errno}
	}
	return fmt.Errorf("%s %s: %w", op, p, err)
}
