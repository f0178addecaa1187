package storage

import (
	"errors"
	"fmt"
	"io"
)

// ImageRemoval is what RemoveImages did with one name: its result, or
// why it failed.
type ImageRemoval struct {
	Ref string
	// ID is the image's ID, looked up before the removal ("" when the
	// name is no image).
	ID     string
	Result RemoveResult
	Err    error
}

// RemoveImages removes the images refs name (every image with all), each
// on its own, as husk rmi does: with ignore, a name that is no image is
// skipped; with all, the build parents that went with an image are not
// removed again.
func (s *Store) RemoveImages(refs []string, o RemoveOptions, all, ignore bool) ([]ImageRemoval, error) {
	if all {
		imgs, err := s.Images()
		if err != nil {
			return nil, err
		}
		refs = nil
		for _, img := range imgs {
			refs = append(refs, img.ID)
		}
		o.Force = true
	}
	var out []ImageRemoval
	gone := map[string]bool{}
	for _, ref := range refs {
		if all && gone[ref] {
			continue // went with an image it was the parent of
		}
		id := ""
		if img, _, err := s.Lookup(ref); err == nil {
			id = img.ID
		}
		res, err := s.RemoveImage(ref, o)
		if ignore && errors.Is(err, ErrImageUnknown) {
			continue
		}
		for _, id := range append([]string{res.Deleted}, res.Parents...) {
			gone[id] = true
		}
		out = append(out, ImageRemoval{Ref: ref, ID: id, Result: res, Err: err})
	}
	return out, nil
}

// WriteImageRemovals prints what each removal did on stdout, and each
// error (spelled by msg) on stderr; it returns the first error.
func WriteImageRemovals(stdout, stderr io.Writer, done []ImageRemoval, msg func(error) string) error {
	var first error
	for _, r := range done {
		if r.Err != nil {
			fmt.Fprintf(stderr, "husk: %s\n", msg(r.Err))
			if first == nil {
				first = r.Err
			}
			continue
		}
		WriteRemoval(stdout, r.Result)
	}
	return first
}
