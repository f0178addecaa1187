package storage

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	cstorage "go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"
)

// The storage library's content check compares each mounted layer with a
// tree it rebuilds from the layers' tar headers, and that rebuild does not
// model two things its own unpacker does, so that healthy layers are
// reported as "layer content modified" (and --repair would delete their
// images):
//
//   - A directory that a layer's entries pass through without listing it
//     (opt/ for "opt/tool/bin/run") is created by the unpacker with default
//     attributes (and, where it exists below, hides or touches the lower
//     one); the rebuild gives it the attributes of the entry below it.
//   - Device nodes are left out when unpacking without privileges (as
//     podman does); the rebuild expects them.
//   - A layer the library made as a copy of an image's top layer with
//     other ID mappings (a --userns=keep-id container's) holds its files
//     under ids the rebuild does not translate back, and the copy does not
//     keep the times of the directories it fills: every entry differs in
//     its owner and time only.
//
// filterContentReports drops exactly those reports, using the layers'
// headers and ID mappings.

// layerHeaders is what the content filter needs of one layer's diff.
type layerHeaders struct {
	// touched holds every directory that the layer's entries pass through
	// or name (cleaned, without a leading slash).
	touched map[string]bool
	// listed holds the directories the layer lists as entries of their own.
	listed map[string]bool
	// devices holds the character and block devices the layer lists.
	devices map[string]bool
	// names holds every other entry the layer lists.
	names map[string]bool
}

func newLayerHeaders() *layerHeaders {
	return &layerHeaders{touched: map[string]bool{}, listed: map[string]bool{}, devices: map[string]bool{}, names: map[string]bool{}}
}

// add records one tar header.
func (h *layerHeaders) add(hdr *tar.Header) {
	name := strings.TrimPrefix(path.Clean("/"+hdr.Name), "/")
	if name == "" {
		return
	}
	dir := path.Dir(name)
	for d := dir; d != "." && d != "/"; d = path.Dir(d) {
		h.touched[d] = true
	}
	base := path.Base(name)
	switch {
	case strings.HasPrefix(base, archive.WhiteoutPrefix):
		// A whiteout (or an opaque marker) names no entry of its own; the
		// directory it sits in is touched, not listed.
	case hdr.Typeflag == tar.TypeDir:
		h.touched[name] = true
		h.listed[name] = true
	case hdr.Typeflag == tar.TypeChar || hdr.Typeflag == tar.TypeBlock:
		h.devices[name] = true
	default:
		h.names[name] = true
	}
}

// chainModel answers for a layer and its parents (bottom first).
type chainModel []*layerHeaders

// implicitDir reports whether the topmost layer that touches dir does not
// list it: the unpacker made it, with attributes of its own.
func (c chainModel) implicitDir(dir string) bool {
	for i := len(c) - 1; i >= 0; i-- {
		if c[i].touched[dir] {
			return !c[i].listed[dir]
		}
	}
	return false
}

// device reports whether the topmost layer that lists p lists a device.
func (c chainModel) device(p string) bool {
	for i := len(c) - 1; i >= 0; i-- {
		l := c[i]
		if l.devices[p] {
			return true
		}
		if l.listed[p] || l.names[p] {
			return false
		}
	}
	return false
}

// explained reports whether one "layer content modified" difference (as
// the storage library words it: "-/p" missing, "+/p" unexpected,
// "/p(attr:a￫b,...)" changed) is what unpacking the chain does.
func (c chainModel) explained(diff string) bool {
	switch {
	case strings.HasPrefix(diff, "-"):
		// A device node that could not be created.
		return c.device(strings.TrimPrefix(diff[1:], "/"))
	case strings.HasPrefix(diff, "+"):
		return false
	}
	i := strings.LastIndex(diff, "(")
	if i < 0 || !strings.HasSuffix(diff, ")") {
		return false
	}
	p, attrs := strings.TrimPrefix(diff[:i], "/"), diff[i+1:len(diff)-1]
	if strings.Contains(attrs, "filetype:") {
		return false
	}
	return c.implicitDir(p)
}

// ownerAndTimeOnly reports whether a difference is in the owner and the
// modification time alone ("/p(uid:a￫b,gid:c￫d,mtime:e￫f)", also for an
// entry marked "+" or "-").
func ownerAndTimeOnly(diff string) bool {
	i := strings.LastIndex(diff, "(")
	if i < 0 || !strings.HasSuffix(diff, ")") {
		return false
	}
	for _, attr := range strings.Split(diff[i+1:len(diff)-1], ",") {
		if !strings.HasPrefix(attr, "uid:") && !strings.HasPrefix(attr, "gid:") && !strings.HasPrefix(attr, "mtime:") {
			return false
		}
	}
	return true
}

// contentDiff extracts the difference from a "layer content modified"
// error: "layer ID: DIFF, layer content modified".
func contentDiff(err error, layerID string) (string, bool) {
	if !errors.Is(err, cstorage.ErrLayerContentModified) {
		return "", false
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "layer "+layerID+": ")
	msg, ok := strings.CutSuffix(msg, ", "+cstorage.ErrLayerContentModified.Error())
	return msg, ok
}

// filterContentReports removes from rep the "layer content modified"
// reports that unpacking explains, from the layers and from the images
// that inherited them. mapped holds the layers with ID mappings of their
// own; headers reads one layer's diff headers.
func filterContentReports(rep *cstorage.CheckReport, parents map[string]string, mapped map[string]bool, headers func(id string) (*layerHeaders, error)) error {
	cache := map[string]*layerHeaders{}
	chain := func(top string) (chainModel, error) {
		var c chainModel
		for id := top; id != ""; id = parents[id] {
			h, ok := cache[id]
			if !ok {
				var err error
				if h, err = headers(id); err != nil {
					return nil, err
				}
				cache[id] = h
			}
			c = append(chainModel{h}, c...)
		}
		return c, nil
	}
	dropped := map[error]bool{}
	for id, errs := range rep.Layers {
		var model chainModel
		kept := errs[:0:0]
		for _, e := range errs {
			diff, ok := contentDiff(e, id)
			if ok && mapped[id] && ownerAndTimeOnly(diff) {
				dropped[e] = true
				continue
			}
			if ok && model == nil {
				m, err := chain(id)
				if err != nil {
					return fmt.Errorf("read layer %s: %w", short(id), err)
				}
				model = m
			}
			if ok && model.explained(diff) {
				dropped[e] = true
				continue
			}
			kept = append(kept, e)
		}
		if len(kept) == 0 {
			delete(rep.Layers, id)
		} else {
			rep.Layers[id] = kept
		}
	}
	for id, errs := range rep.Images {
		kept := errs[:0:0]
		for _, e := range errs {
			if !dropped[e] {
				kept = append(kept, e)
			}
		}
		if len(kept) == 0 {
			delete(rep.Images, id)
		} else {
			rep.Images[id] = kept
		}
	}
	return nil
}

// diffHeaders reads the tar headers of a layer's diff.
func (s *Store) diffHeaders(id string) (*layerHeaders, error) {
	uncompressed := archive.Uncompressed
	rc, err := s.Diff("", id, &cstorage.DiffOptions{Compression: &uncompressed})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	h := newLayerHeaders()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return h, nil
		}
		if err != nil {
			return nil, err
		}
		h.add(hdr)
	}
}
