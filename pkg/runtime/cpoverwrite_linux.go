package runtime

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
)

// replaceable is a copy's destination that says what is at a path and
// can remove it, for --overwrite.
type replaceable interface {
	lkind(p string) (exists, isDir bool)
	removeAll(p string) error
}

// clearConflict makes way for src at p: a directory where a file is to go
// (or a file where a directory is to go) is an error, as in podman,
// unless overwrite, which removes it first.
func clearConflict(dst copyDest, p string, src copySource, overwrite bool) error {
	rp, ok := dst.(replaceable)
	if !ok {
		return nil
	}
	exists, isDir := rp.lkind(p)
	if !exists || isDir == src.mode.IsDir() {
		return nil
	}
	if !overwrite {
		what := "a file"
		if isDir {
			what = "a directory"
		}
		return setting.Errorf("copy to %q: %s is there: use {overwrite} to replace it", p, what)
	}
	if err := rp.removeAll(p); err != nil {
		return fmt.Errorf("copy to %q: %w", p, err)
	}
	return nil
}

func (hostFiles) lkind(p string) (bool, bool) {
	fi, err := os.Lstat(p)
	return err == nil, err == nil && fi.IsDir()
}

func (hostFiles) removeAll(p string) error { return os.RemoveAll(p) }

func (t *ctrTree) lkind(p string) (bool, bool) {
	r, rest, err := t.at(p)
	if err != nil {
		return false, false
	}
	dir, name, err := r.parent(rest)
	if err != nil {
		return false, false
	}
	defer dir.Close()
	var st unix.Stat_t
	if unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return false, false
	}
	return true, st.Mode&unix.S_IFMT == unix.S_IFDIR
}

func (t *ctrTree) removeAll(p string) error {
	r, rest, err := t.at(p)
	if err != nil {
		return err
	}
	dir, name, err := r.parent(rest)
	if err != nil {
		return err
	}
	defer dir.Close()
	if name == "." {
		return fmt.Errorf("remove %s: it is a root", p)
	}
	return removeAt(dir, name, p)
}

// removeAt removes name in dir and, when it is a directory, what it
// holds, by handles: no symlink is followed.
func removeAt(dir *os.File, name, p string) error {
	err := unix.Unlinkat(int(dir.Fd()), name, 0)
	if err == nil || errors.Is(err, unix.ENOENT) {
		return nil
	}
	if !errors.Is(err, unix.EISDIR) && !errors.Is(err, unix.EPERM) {
		return &os.PathError{Op: "remove", Path: p, Err: err}
	}
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: p, Err: err}
	}
	d := os.NewFile(uintptr(fd), p)
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return &os.PathError{Op: "readdir", Path: p, Err: err}
	}
	for _, n := range names {
		if err := removeAt(d, n, p+"/"+n); err != nil {
			return err
		}
	}
	if err := unix.Unlinkat(int(dir.Fd()), name, unix.AT_REMOVEDIR); err != nil {
		return &os.PathError{Op: "remove", Path: p, Err: err}
	}
	return nil
}
