package storage

import (
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	cstorage "go.podman.io/storage"
)

// A build with layers (husk build --layers) leaves an image for each
// step: untagged images that are the parents of the next step's image.
// husk images hides them unless --all, and they go when the image they
// lead to goes, as with podman. The relation is podman's: the child's top
// layer is the parent's top layer or sits right on it, and the parent's
// layers and history are a strict prefix of the child's.

// imageFacts is what the parent relation needs of an image.
type imageFacts struct {
	id, topLayer string
	// below is the parent layer of topLayer ("" for a first layer).
	below string
}

// candidateChildren lists, for each image that could be a parent, the
// images whose layers put them in the right place to be its children;
// the configs decide (isParentOf).
func candidateChildren(imgs []imageFacts, want func(id string) bool) map[string][]string {
	byTop := map[string][]imageFacts{}
	byBelow := map[string][]imageFacts{}
	for _, img := range imgs {
		byTop[img.topLayer] = append(byTop[img.topLayer], img)
		if img.topLayer != "" {
			byBelow[img.below] = append(byBelow[img.below], img)
		}
	}
	out := map[string][]string{}
	for _, p := range imgs {
		if !want(p.id) {
			continue
		}
		cands := append(append([]imageFacts(nil), byBelow[p.topLayer]...), byTop[p.topLayer]...)
		for _, c := range cands {
			if c.id != p.id {
				out[p.id] = append(out[p.id], c.id)
			}
		}
	}
	return out
}

// isParentOf reports whether parent's layers and history are a strict
// prefix of child's (creation times aside).
func isParentOf(parent, child *imgspecv1.Image) bool {
	pd, cd := parent.RootFS.DiffIDs, child.RootFS.DiffIDs
	if len(pd) > len(cd) || len(parent.History) >= len(child.History) {
		return false
	}
	for i := range pd {
		if pd[i] != cd[i] {
			return false
		}
	}
	for i, h := range parent.History {
		c := child.History[i]
		if h.CreatedBy != c.CreatedBy || h.Comment != c.Comment || h.Author != c.Author || h.EmptyLayer != c.EmptyLayer {
			return false
		}
	}
	return true
}

// childrenOf maps each image that want selects to the images that are its
// children. Configs are read only for the few images whose layers fit.
func (s *Store) childrenOf(imgs []cstorage.Image, want func(id string) bool) (map[string][]string, error) {
	layers, err := s.Layers()
	if err != nil {
		return nil, err
	}
	below := make(map[string]string, len(layers))
	for _, l := range layers {
		below[l.ID] = l.Parent
	}
	facts := make([]imageFacts, 0, len(imgs))
	for _, img := range imgs {
		facts = append(facts, imageFacts{id: img.ID, topLayer: img.TopLayer, below: below[img.TopLayer]})
	}
	cands := candidateChildren(facts, want)
	configs := map[string]*imgspecv1.Image{}
	config := func(id string) *imgspecv1.Image {
		if c, ok := configs[id]; ok {
			return c
		}
		c, _ := s.ImageConfig(id)
		configs[id] = c
		return c
	}
	out := map[string][]string{}
	for p, cs := range cands {
		pc := config(p)
		if pc == nil {
			continue
		}
		for _, c := range cs {
			if cc := config(c); cc != nil && isParentOf(pc, cc) {
				out[p] = append(out[p], c)
			}
		}
	}
	return out, nil
}

// untagged selects images without a name.
func untagged(imgs []cstorage.Image) func(id string) bool {
	set := map[string]bool{}
	for _, img := range imgs {
		if len(img.Names) == 0 {
			set[img.ID] = true
		}
	}
	return func(id string) bool { return set[id] }
}

// ImageChildren maps every image to its children (podman's relation,
// above): system df counts what an image shares with them.
func (s *Store) ImageChildren() (map[string][]string, error) {
	imgs, err := s.Store.Images()
	if err != nil {
		return nil, err
	}
	return s.childrenOf(imgs, func(string) bool { return true })
}
