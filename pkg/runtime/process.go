package runtime

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/moby/sys/user"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/userfile"
)

// DefaultPath is the PATH a container gets when its image sets none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// ImageConfig is the part of an image's config that shapes the process.
type ImageConfig struct {
	Entrypoint   []string
	Cmd          []string
	Env          []string
	WorkingDir   string
	User         string
	StopSignal   string
	ExposedPorts []string
	Labels       map[string]string
}

// ProcessArgs combines the image's ENTRYPOINT and CMD with --entrypoint
// and the arguments after the image name, as docker does: an --entrypoint
// replaces ENTRYPOINT and drops the image's CMD; trailing arguments
// replace CMD.
func ProcessArgs(img ImageConfig, entrypoint *[]string, args []string) []string {
	ep := img.Entrypoint
	cmd := img.Cmd
	if entrypoint != nil {
		ep = *entrypoint
		cmd = nil
	}
	if len(args) > 0 {
		cmd = args
	}
	return append(append([]string{}, ep...), cmd...)
}

// MergeEnv layers environment lists: later lists override earlier ones by
// name. PATH defaults to DefaultPath.
func MergeEnv(lists ...[]string) []string {
	var order []string
	vals := map[string]string{}
	for _, l := range lists {
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			if _, ok := vals[k]; !ok {
				order = append(order, k)
			}
			vals[k] = v
		}
	}
	if _, ok := vals["PATH"]; !ok {
		order = append([]string{"PATH"}, order...)
		vals["PATH"] = DefaultPath
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+vals[k])
	}
	return out
}

// ErrUserUnknown is returned when -u names a user or group the image does
// not have.
var ErrUserUnknown = errors.New("unknown user or group")

// ResolveUser resolves "name|uid[:name|gid]" against the rootfs's
// /etc/passwd and /etc/group (read without following symlinks out of the
// rootfs), including supplementary groups. Numeric ids need no entry.
func ResolveUser(rootfs, spec string) (User, error) {
	var pr, gr io.Reader
	for _, f := range []struct {
		path string
		r    *io.Reader
	}{{"/etc/passwd", &pr}, {"/etc/group", &gr}} {
		rc, err := openInRoot(rootfs, f.path)
		switch {
		case errors.Is(err, userfile.ErrNotRegular) || errors.Is(err, userfile.ErrTooLarge):
			return User{}, fmt.Errorf("-u %q: the container's %s: %w", spec, f.path, err)
		case err != nil:
			continue // none: numeric ids still work
		}
		defer rc.Close()
		*f.r = rc
	}
	defaults := &user.ExecUser{Uid: 0, Gid: 0, Home: "/"}
	eu, err := user.GetExecUser(spec, defaults, pr, gr)
	if err != nil {
		return User{}, fmt.Errorf("%w: -u %q: %v", ErrUserUnknown, spec, err)
	}
	u := User{UID: uint32(eu.Uid), GID: uint32(eu.Gid), Home: eu.Home}
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
