package runtime

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/moby/sys/user"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/userfile"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// ErrUserUnknown is returned when -u names a user or group the image does
// not have.
var ErrUserUnknown = errors.New("unknown user or group")

// ResolveUser resolves "name|uid[:name|gid]" against the rootfs's
// /etc/passwd and /etc/group (read without following symlinks out of the
// rootfs), including supplementary groups. Numeric ids need no entry.
func ResolveUser(rootfs, userSpec string) (spec.User, error) {
	var pr, gr io.Reader
	for _, f := range []struct {
		path string
		r    *io.Reader
	}{{"/etc/passwd", &pr}, {"/etc/group", &gr}} {
		rc, err := openInRoot(rootfs, f.path)
		switch {
		case errors.Is(err, userfile.ErrNotRegular) || errors.Is(err, userfile.ErrTooLarge):
			return spec.User{}, fmt.Errorf("-u %q: the container's %s: %w", userSpec, f.path, err)
		case err != nil:
			continue // none: numeric ids still work
		}
		defer rc.Close()
		*f.r = rc
	}
	defaults := &user.ExecUser{Uid: 0, Gid: 0, Home: "/"}
	eu, err := user.GetExecUser(userSpec, defaults, pr, gr)
	if err != nil {
		return spec.User{}, fmt.Errorf("%w: -u %q: %v", ErrUserUnknown, userSpec, err)
	}
	u := spec.User{UID: uint32(eu.Uid), GID: uint32(eu.Gid), Home: eu.Home}
	for _, g := range eu.Sgids {
		if uint32(g) != u.GID {
			u.AdditionalGids = append(u.AdditionalGids, uint32(g))
		}
	}
	if u.Home == "" {
		u.Home = "/"
	}
	return u, nil
}

// maxEtcFile bounds what husk reads of a container's /etc/passwd or
// /etc/group: an image, or a running container, may have put anything
// there.
const maxEtcFile = 16 << 20

// openInRoot opens the regular file p inside rootfs for reading at most
// maxEtcFile bytes, resolving symlinks as if rootfs were / (a container
// may be changing them meanwhile: see ctrRoot); a FIFO there is refused
// without blocking.
func openInRoot(rootfs, p string) (io.ReadCloser, error) {
	r, err := openCtrRoot(rootfs)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f, err := r.Open(p)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || fi.Size() > maxEtcFile {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%s %w of %d MiB", p, userfile.ErrTooLarge, maxEtcFile>>20)
		}
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(f, maxEtcFile), f}, nil
}

// MkdirInRoot creates dir (and parents) inside rootfs, the new ones owned
// by uid:gid, without following symlinks out of the rootfs.
func MkdirInRoot(rootfs, dir string, uid, gid uint32) error {
	r, err := openCtrRoot(rootfs)
	if err != nil {
		return fmt.Errorf("open the rootfs: %w", err)
	}
	defer r.Close()
	if st, err := r.Stat(dir); err == nil {
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return fmt.Errorf("%q exists in the image and is not a directory", dir)
		}
		return nil
	}
	if err := r.MkdirAll(dir, 0o755, int(uid), int(gid)); err != nil {
		return fmt.Errorf("create %q: %w", dir, err)
	}
	return nil
}

// prepareWorkdir makes sure the process can start in cwd: a --workdir
// the image lacks is an error (126), as podman has it, unless a volume
// provides it; the image's WORKDIR is created, owned by uid and gid (the
// container user's ids as husk sees them).
func prepareWorkdir(rootfs string, cfg Config, cwd string, uid, gid uint32) error {
	if !filepath.IsAbs(cwd) {
		return fmt.Errorf("working directory %q is not absolute", cwd)
	}
	if cfg.Workdir != "" && !underVolume(cfg.Workdir, cfg.Volumes) {
		return checkWorkdir(rootfs, cfg.Workdir)
	}
	return MkdirInRoot(rootfs, cwd, uid, gid)
}

// checkWorkdir refuses a working directory the rootfs does not have
// (ErrCannotInvoke: the command cannot be run there).
func checkWorkdir(rootfs, dir string) error {
	r, err := openCtrRoot(rootfs)
	if err != nil {
		return fmt.Errorf("open the rootfs: %w", err)
	}
	defer r.Close()
	st, err := r.Stat(dir)
	if err != nil {
		return setting.Errorf("%w: workdir %q does not exist in the container: create it in the image, or give a {workdir} that exists", ErrCannotInvoke, dir)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("%w: workdir %q is not a directory", ErrCannotInvoke, dir)
	}
	return nil
}

// underVolume reports whether dir lies at or below a volume's destination.
func underVolume(dir string, vols []VolumeSpec) bool {
	for _, v := range vols {
		d := filepath.Clean(v.Destination)
		if dir == d || strings.HasPrefix(dir, d+"/") {
			return true
		}
	}
	return false
}
