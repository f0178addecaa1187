package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/moby/sys/user"
	"golang.org/x/sys/unix"
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
	passwd, perr := openInRoot(rootfs, "/etc/passwd")
	if perr == nil {
		defer passwd.Close()
	}
	group, gerr := openInRoot(rootfs, "/etc/group")
	if gerr == nil {
		defer group.Close()
	}
	var pr, gr io.Reader
	if passwd != nil {
		pr = passwd
	}
	if group != nil {
		gr = group
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

// openInRoot opens the regular file p inside rootfs for reading,
// resolving symlinks as if rootfs were / (a container may be changing
// them meanwhile: see ctrRoot).
func openInRoot(rootfs, p string) (*os.File, error) {
	r, err := openCtrRoot(rootfs)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Open(p)
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
