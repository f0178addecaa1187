package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

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
	h, err := openatInRoot(r.dir, dir)
	if err != nil {
		return nil, "", inRootErr("open", dir, err)
	}
	return h, name, nil
}

// openatInRoot opens p inside root (O_PATH), resolving it as if root were
// /: with openat2(RESOLVE_IN_ROOT) where the kernel has it, else with
// pathrs-lite's checked walk. (pathrs-lite uses openat2 too, but then
// names the handle through a procfs instance of its own, which it mounts
// on first use: ~0.5 ms of each run's start on this machine kind, for a
// name nothing here reads.)
func openatInRoot(root *os.File, p string) (*os.File, error) {
	if !haveOpenat2() {
		return pathrs.OpenatInRoot(root, p)
	}
	how := &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	for tries := 0; ; tries++ {
		fd, err := unix.Openat2(int(root.Fd()), p, how)
		if err == nil {
			return os.NewFile(uintptr(fd), p), nil
		}
		// EAGAIN, EXDEV: the lookup raced with a rename or mount
		// somewhere; the kernel asks to try again.
		if (errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EXDEV)) && tries < maxInRootRetries {
			continue
		}
		return nil, &fs.PathError{Op: "openat2", Path: p, Err: err}
	}
}

// maxInRootRetries bounds the retries of a lookup that keeps racing: one
// being attacked then fails with EAGAIN.
const maxInRootRetries = 32

// haveOpenat2 reports whether openat2 with RESOLVE_IN_ROOT works here
// (Linux 5.6; a seccomp filter may refuse it).
var haveOpenat2 = sync.OnceValue(func() bool {
	fd, err := unix.Openat2(unix.AT_FDCWD, ".", &unix.OpenHow{
		Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_IN_ROOT})
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
})

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

// inRootErr turns an error of a lookup in a root into one that names the
// path inside the container (not the host path of the root).
func inRootErr(op, p string, err error) error {
	var errno unix.Errno
	if errors.As(err, &errno) {
		return &fs.PathError{Op: op, Path: p, Err: errno}
	}
	return fmt.Errorf("%s %s: %w", op, p, err)
}
