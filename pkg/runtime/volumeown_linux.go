package runtime

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// idPair is a user and group id.
type idPair struct{ uid, gid uint32 }

// isOwnerOption reports whether o is -v's U: it changes the source's
// owner, it is no mount option.
func isOwnerOption(o string) bool { return o == "U" }

// chownForU gives the tree at dir to owner when v has the U option, as
// podman's -v SRC:DST:U: every file and directory, symlinks themselves
// (never what they point to), without crossing into other mounts.
func chownForU(v VolumeSpec, dir string, owner idPair) error {
	if !slices.ContainsFunc(v.Options, isOwnerOption) {
		return nil
	}
	fail := func(err error) error {
		return fmt.Errorf("chown %s for %s:U: %w: give the directory to your user (or use a volume)", dir, v.Destination, err)
	}
	// What is below dir is the containers' (a volume's files, a shared
	// directory): walked and changed through descriptors, relative to
	// dir, never by path.
	root, err := openCtrRoot(dir)
	if err != nil {
		return fail(err)
	}
	defer root.Close()
	var dev uint64
	err = root.Walk("/", func(rel string, e ctrEntry) error {
		if rel == "." {
			dev = e.Dev
		} else if e.Mode.IsDir() && e.Dev != dev {
			return fs.SkipDir // another mount: not the source's
		}
		if err := unix.Fchownat(int(e.dir.Fd()), e.name, int(owner.uid), int(owner.gid), unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return &fs.PathError{Op: "lchown", Path: e.path, Err: err}
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	return nil
}

// overlayMount is -v SRC:DST:O: an overlay with SRC as its lower layer and
// a fresh upper layer in the container's directory, made again at every
// start, so that the container's changes are dropped when it stops, as
// podman's. Rootless, the kernel mounts it in the container's user
// namespace (userxattr, Linux 5.11 and later).
func overlayMount(ctrDir string, n int, v VolumeSpec) (spec.Mount, error) {
	dir := filepath.Join(ctrDir, "overlay", strconv.Itoa(n))
	if err := os.RemoveAll(dir); err != nil {
		return spec.Mount{}, fmt.Errorf("overlay for %s:O: %w", v.Destination, err)
	}
	upper, work := filepath.Join(dir, "upper"), filepath.Join(dir, "work")
	for _, d := range []string{upper, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return spec.Mount{}, fmt.Errorf("overlay for %s:O: %w", v.Destination, err)
		}
	}
	opts := []string{"lowerdir=" + v.Source, "upperdir=" + upper, "workdir=" + work, "userxattr"}
	if v.ReadOnly {
		opts = append(opts, "ro")
	}
	return spec.Mount{Type: "overlay", Source: "overlay", Destination: v.Destination, Options: opts}, nil
}
