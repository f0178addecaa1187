package storage

import (
	"fmt"
	"time"

	cstorage "go.podman.io/storage"
)

// HistoryEntry is one step of an image's history, newest first, with the
// size of the layer it made.
type HistoryEntry struct {
	// ID is the stored image whose top layer this step made, else
	// "<missing>" (podman's word).
	ID        string
	Created   *time.Time
	CreatedBy string
	Size      int64
	Comment   string
	// Tags are the names of the images with that top layer.
	Tags []string
}

// MissingID stands for a step no stored image ends with.
const MissingID = "<missing>"

// History reads the history of the image ref names from its config, newest
// step first, and matches each step that made a layer with that layer
// (walking down from the top layer) for its size and the image it ended.
func (s *Store) History(ref string) ([]HistoryEntry, error) {
	img, _, err := s.Lookup(ref)
	if err != nil {
		return nil, err
	}
	cfg, err := s.ImageConfig(img.ID)
	if err != nil {
		return nil, err
	}
	all, err := s.Store.Images()
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	// byTop: the images ending with each layer, this one first.
	byTop := map[string][]cstorage.Image{img.TopLayer: {*img}}
	for _, other := range all {
		if other.ID != img.ID && other.TopLayer != "" {
			byTop[other.TopLayer] = append(byTop[other.TopLayer], other)
		}
	}
	var layer *cstorage.Layer
	if img.TopLayer != "" {
		if layer, err = s.Layer(img.TopLayer); err != nil {
			return nil, fmt.Errorf("read layer %s of image %s: %w", short(img.TopLayer), short(img.ID), err)
		}
	}
	used := map[string]bool{}
	out := make([]HistoryEntry, 0, len(cfg.History))
	for i := len(cfg.History) - 1; i >= 0; i-- {
		h := cfg.History[i]
		e := HistoryEntry{ID: MissingID, Created: h.Created, CreatedBy: h.CreatedBy, Comment: h.Comment, Tags: []string{}}
		if layer != nil {
			if !h.EmptyLayer {
				e.Size = layer.UncompressedSize
			}
			if id := s.stepImage(byTop[layer.ID], i+1, used); id != "" {
				e.ID = id
				used[id] = true
			}
			for _, o := range byTop[layer.ID] {
				e.Tags = append(e.Tags, o.Names...)
			}
			if !h.EmptyLayer {
				layer, err = s.parentLayer(layer)
				if err != nil {
					return nil, err
				}
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// stepImage picks, among the images ending with a step's layer, the one
// that ends with that step: a build with cached layers keeps an image for
// each step, and steps that make no layer (LABEL) share their layer with
// the step before. It is the image whose history has steps entries, else
// (as podman) the first one; "" when that one is already shown.
func (s *Store) stepImage(imgs []cstorage.Image, steps int, used map[string]bool) string {
	for _, img := range imgs {
		if used[img.ID] {
			continue
		}
		if cfg, err := s.ImageConfig(img.ID); err == nil && len(cfg.History) == steps {
			return img.ID
		}
	}
	if len(imgs) > 0 && !used[imgs[0].ID] {
		return imgs[0].ID
	}
	return ""
}

// parentLayer is l's parent, nil for a base layer.
func (s *Store) parentLayer(l *cstorage.Layer) (*cstorage.Layer, error) {
	if l.Parent == "" {
		return nil, nil
	}
	p, err := s.Layer(l.Parent)
	if err != nil {
		return nil, fmt.Errorf("read layer %s: %w", short(l.Parent), err)
	}
	return p, nil
}
