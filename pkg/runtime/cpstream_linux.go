package runtime

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// CopyOptions are podman cp's flags.
type CopyOptions struct {
	// Chown gives what is copied into a container to the container's
	// user (its primary uid and gid): podman's --archive, on by default.
	// Without it owners are kept: a host file's is the user's, root in
	// the container; a tar entry's and another container's file's are
	// theirs.
	Chown bool
	// Overwrite replaces a directory by a file and the other way round;
	// without it that is an error.
	Overwrite bool
}

// ErrNotTar is returned when the stream copied in is no tar archive.
var ErrNotTar = errors.New("the source must be a (gzip-compressed) tar archive when copying from stdin")

func (e ctrEntry) source() copySource {
	return copySource{
		mode: e.Mode, uid: e.UID, gid: e.GID,
		open:     func() (io.ReadCloser, error) { return e.Open() },
		readlink: e.Readlink,
	}
}

// copyOwner is who owns what a copy creates in a container: uid and gid,
// or (keep) the source's owner.
type copyOwner struct {
	uid, gid int
	keep     bool
}

// ownerFor is the owner of what is copied into c, as o says.
func ownerFor(env Env, c *Container, rootfs string, o CopyOptions) (copyOwner, error) {
	if !o.Chown {
		return copyOwner{keep: true}, nil
	}
	userSpec := c.Config.User
	if userSpec == "" {
		if ic, err := env.Store.ImageConfig(c.Config.ImageID); err == nil {
			userSpec = ic.Config.User
		}
	}
	if userSpec == "" {
		return copyOwner{}, nil
	}
	u, err := ResolveUser(rootfs, userSpec)
	if err != nil {
		return copyOwner{}, fmt.Errorf("find the user of container %s: %w", c.Name, err)
	}
	return copyOwner{uid: int(u.UID), gid: int(u.GID)}, nil
}

// place copies src to the container path p and gives it its owner.
func (t *ctrTree) place(p string, src copySource, own copyOwner) error {
	if err := clearConflict(t, p, src, t.overwrite); err != nil {
		return err
	}
	if err := copyEntry(t, p, src); err != nil {
		return err
	}
	uid, gid := own.uid, own.gid
	if own.keep {
		uid, gid = src.uid, src.gid
	}
	if uid < 0 || src.mode&fs.ModeType&^(fs.ModeDir|fs.ModeSymlink|fs.ModeNamedPipe) != 0 {
		return nil // a host file (its owner is right) or nothing copied
	}
	r, rest, err := t.at(p)
	if err != nil {
		return err
	}
	if err := r.Lchown(rest, uid, gid); err != nil {
		return fmt.Errorf("copy to %q: %w", p, err)
	}
	return nil
}

// openTree mounts c and opens its files; close unmounts.
func openTree(env Env, c *Container) (*ctrTree, func(), error) {
	rootfs, err := mountRoot(env, c)
	if err != nil {
		return nil, nil, err
	}
	t := &ctrTree{env: env, c: c, rootfs: rootfs, roots: map[string]*ctrRoot{}}
	return t, func() { t.Close(); unmountRoot(env, c) }, nil
}

// CopyOutTar writes the container path src to w as a tar stream (cp
// CONTAINER:SRC -): a directory with what it holds, under its base name
// ("SRC/.": its contents at the top).
func CopyOutTar(env Env, c *Container, src string, w io.Writer) error {
	t, done, err := openTree(env, c)
	if err != nil {
		return err
	}
	defer done()
	return writeTar(t, src, w)
}

// writeTar writes the container path src of t to w as a tar stream.
func writeTar(t *ctrTree, src string, w io.Writer) error {
	p := ctrPath(src)
	r, rest, err := t.at(p)
	if err != nil {
		return err
	}
	if _, err := r.Stat(rest); err != nil {
		return fmt.Errorf("copy %q: %w", src, err)
	}
	base := path.Base(p)
	if strings.HasSuffix(src, "/.") || src == "." {
		base = "."
	}
	tw := tar.NewWriter(w)
	if err := r.Walk(rest, func(rel string, e ctrEntry) error {
		return writeTarEntry(tw, path.Join(base, rel), e)
	}); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("write the tar stream: %w", err)
	}
	return nil
}

func writeTarEntry(tw *tar.Writer, name string, e ctrEntry) error {
	h := &tar.Header{Name: name, Mode: tarPerm(e.Mode), Uid: e.UID, Gid: e.GID, ModTime: e.ModTime, Format: tar.FormatPAX}
	var body io.ReadCloser
	switch {
	case e.Mode.IsDir():
		if name == "." {
			return nil
		}
		h.Typeflag, h.Name = tar.TypeDir, name+"/"
	case e.Mode&fs.ModeSymlink != 0:
		target, err := e.Readlink()
		if err != nil {
			return err
		}
		h.Typeflag, h.Linkname = tar.TypeSymlink, target
	case e.Mode&fs.ModeNamedPipe != 0:
		h.Typeflag = tar.TypeFifo
	case e.Mode.IsRegular():
		f, err := e.Open()
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return err
		}
		h.Typeflag, h.Size, body = tar.TypeReg, fi.Size(), f
	default:
		return nil // devices and sockets are not copied
	}
	if err := tw.WriteHeader(h); err != nil {
		if body != nil {
			body.Close()
		}
		return fmt.Errorf("write the tar stream: %w", err)
	}
	if body == nil {
		return nil
	}
	defer body.Close()
	if _, err := io.CopyN(tw, body, h.Size); err != nil {
		return fmt.Errorf("copy %q: %w", name, err)
	}
	return nil
}

func tarPerm(m fs.FileMode) int64 {
	p := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		p |= unix.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		p |= unix.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		p |= unix.S_ISVTX
	}
	return p
}

// CopyInTar extracts the tar stream r (gzip-compressed or not) into the
// container directory dst (cp - CONTAINER:DST). Entries are placed
// relative to dst whatever their names say ("../x" is dst/x), and
// created through the container's roots like any copy. Hard links are
// not copied.
func CopyInTar(env Env, c *Container, r io.Reader, dst string, o CopyOptions) error {
	t, done, err := openTree(env, c)
	if err != nil {
		return err
	}
	defer done()
	t.overwrite = o.Overwrite
	d := ctrPath(dst)
	root, rest, err := t.at(d)
	if err != nil {
		return err
	}
	if st, err := root.Stat(rest); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("copy to %q: the destination must be a directory when copying from stdin", dst)
	}
	own, err := ownerFor(env, c, t.rootfs, o)
	if err != nil {
		return err
	}
	return extractTar(t, r, d, own)
}

// extractTar extracts the tar stream r into the container directory d.
func extractTar(t *ctrTree, r io.Reader, d string, own copyOwner) error {
	br := bufio.NewReader(r)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("read the tar stream: %w", err)
		}
		defer gz.Close()
		in = gz
	}
	tr := tar.NewReader(in)
	for n := 0; ; n++ {
		h, err := tr.Next()
		if err == io.EOF && n > 0 {
			break
		}
		if err != nil {
			return fmt.Errorf("read the tar stream: %w", ErrNotTar)
		}
		name := path.Clean("/" + h.Name)
		if name == "/" {
			continue
		}
		src, ok := tarSource(h, tr)
		if !ok {
			continue
		}
		if err := t.place(filepath.Join(d, name), src, own); err != nil {
			return err
		}
	}
	// What follows the archive's end (the blocks tar pads it with) is
	// read, so that the writer does not see a broken pipe.
	_, _ = io.Copy(io.Discard, br)
	return nil
}

// tarSource is a tar entry as a copy's source; ok is false for what is
// not copied (hard links, devices).
func tarSource(h *tar.Header, tr *tar.Reader) (copySource, bool) {
	perm := fs.FileMode(h.Mode).Perm()
	if h.Mode&unix.S_ISUID != 0 {
		perm |= fs.ModeSetuid
	}
	if h.Mode&unix.S_ISGID != 0 {
		perm |= fs.ModeSetgid
	}
	if h.Mode&unix.S_ISVTX != 0 {
		perm |= fs.ModeSticky
	}
	src := copySource{
		uid: h.Uid, gid: h.Gid,
		open:     func() (io.ReadCloser, error) { return io.NopCloser(tr), nil },
		readlink: func() (string, error) { return h.Linkname, nil },
	}
	switch h.Typeflag {
	case tar.TypeDir:
		src.mode = perm | fs.ModeDir
	case tar.TypeReg: // (the reader turns the old TypeRegA into it)
		src.mode = perm
	case tar.TypeSymlink:
		src.mode = perm | fs.ModeSymlink
	case tar.TypeFifo:
		src.mode = perm | fs.ModeNamedPipe
	default:
		return src, false
	}
	return src, true
}

// CopyBetween copies the path src of container from to the path dst of
// container to, with cp's rules for the destination (see Copy).
func CopyBetween(env Env, from *Container, src string, to *Container, dst string, o CopyOptions) error {
	st, doneS, err := openTree(env, from)
	if err != nil {
		return err
	}
	defer doneS()
	dt := st
	if to.ID != from.ID {
		var doneD func()
		if dt, doneD, err = openTree(env, to); err != nil {
			return err
		}
		defer doneD()
	}
	dt.overwrite = o.Overwrite
	sp, dp := ctrPath(src), ctrPath(dst)
	r, rest, err := st.at(sp)
	if err != nil {
		return err
	}
	sst, err := r.Stat(rest)
	if err != nil {
		return fmt.Errorf("copy %q: %w", src, err)
	}
	base := ""
	if dr, drest, err := dt.at(dp); err != nil {
		return err
	} else if dst, err := dr.Stat(drest); err == nil {
		isDir := dst.Mode&unix.S_IFMT == unix.S_IFDIR
		if isDir && !strings.HasSuffix(src, "/.") {
			base = path.Base(sp)
		} else if !isDir && sst.Mode&unix.S_IFMT == unix.S_IFDIR {
			return fmt.Errorf("copy %q: destination %q is not a directory", src, dp)
		}
	}
	own, err := ownerFor(env, to, dt.rootfs, o)
	if err != nil {
		return err
	}
	return r.Walk(rest, func(rel string, e ctrEntry) error {
		return dt.place(filepath.Join(dp, base, rel), e.source(), own)
	})
}
