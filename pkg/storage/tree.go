package storage

import (
	"fmt"
	"io"
	"strings"

	"github.com/docker/go-units"
)

// Untag removes names from the image ref names (every name when none is
// given), as podman image untag does; the image stays. A name the image
// does not have is an error. It returns the image's ID and the names
// removed.
func (s *Store) Untag(ref string, names []string) (string, []string, error) {
	img, _, err := s.Lookup(ref)
	if err != nil {
		return "", nil, err
	}
	drop := map[string]bool{}
	for _, n := range names {
		full, err := NormalizeName(n)
		if err != nil {
			return "", nil, err
		}
		if !hasName(img.Names, full) {
			return "", nil, fmt.Errorf("untag %s: %q: %w", short(img.ID), n, ErrImageUnknown)
		}
		drop[full] = true
	}
	var keep, gone []string
	for _, n := range img.Names {
		if len(names) > 0 && !drop[n] {
			keep = append(keep, n)
		} else {
			gone = append(gone, n)
		}
	}
	if err := s.SetNames(img.ID, keep); err != nil {
		return "", nil, fmt.Errorf("untag %s: %w", short(img.ID), err)
	}
	return img.ID, gone, nil
}

func hasName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

// TreeLayer is one layer of an image, base first.
type TreeLayer struct {
	ID   string
	Size int64
	// TopOf names the images whose top layer this is.
	TopOf []string
}

// Tree is an image and its layers, as podman image tree shows them.
type Tree struct {
	ID     string
	Tags   []string
	Size   int64
	Layers []TreeLayer
}

// ImageTree returns the layers of the image ref names, base first.
func (s *Store) ImageTree(ref string) (Tree, error) {
	img, _, err := s.Lookup(ref)
	if err != nil {
		return Tree{}, err
	}
	imgs, err := s.Store.Images()
	if err != nil {
		return Tree{}, fmt.Errorf("list images: %w", err)
	}
	topOf := map[string][]string{}
	for _, i := range imgs {
		if i.TopLayer != "" {
			topOf[i.TopLayer] = append(topOf[i.TopLayer], i.Names...)
		}
	}
	t := Tree{ID: img.ID, Tags: img.Names}
	var layers []TreeLayer
	for id := img.TopLayer; id != ""; {
		l, err := s.Layer(id)
		if err != nil {
			return Tree{}, fmt.Errorf("layer %s of image %s: %w", short(id), short(img.ID), err)
		}
		size := l.UncompressedSize
		if size < 0 {
			size = 0
		}
		layers = append([]TreeLayer{{ID: l.ID, Size: size, TopOf: topOf[l.ID]}}, layers...)
		id = l.Parent
	}
	t.Layers = layers
	// The image's size as husk images shows it.
	if t.Size, err = s.ImageSize(img.ID); err != nil {
		return Tree{}, err
	}
	return t, nil
}

// WriteTree prints t as podman image tree does.
func WriteTree(w io.Writer, t Tree) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Image ID: %s\nTags:     [%s]\nSize:     %s\nImage Layers\n", short(t.ID), strings.Join(t.Tags, " "), treeSize(t.Size))
	for i, l := range t.Layers {
		branch := "├── "
		if i == len(t.Layers)-1 {
			branch = "└── "
		}
		fmt.Fprintf(&b, "%sID: %s Size: %7s", branch, short(l.ID), treeSize(l.Size))
		if len(l.TopOf) > 0 {
			fmt.Fprintf(&b, " Top Layer of: [%s]", strings.Join(l.TopOf, " "))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// treeSize is podman's size notation in image tree: 4 significant digits.
func treeSize(n int64) string { return units.HumanSizeWithPrecision(float64(n), 4) }
