package storage

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/docker/reference"
	cstorage "go.podman.io/storage"
)

// ErrImageUnknown is returned when no image matches a name.
var ErrImageUnknown = errors.New("image not known")

// ErrEmptyName is returned for an empty or blank image reference; it is
// not ErrImageUnknown, so that no caller takes it for an image to pull.
var ErrEmptyName = errors.New("empty image name or ID")

// ErrAmbiguous is returned when a short name or ID prefix matches several
// images.
var ErrAmbiguous = errors.New("ambiguous image reference")

// ImageSummary is one line of husk images.
type ImageSummary struct {
	ID      string
	Names   []string
	Digest  digest.Digest
	Created time.Time
	Size    int64
	// Dangling images have no name and are no other image's parent.
	Dangling bool
	// Intermediate images have no name and are another image's parent
	// (the steps of a build with layers).
	Intermediate bool
}

// Images lists the store's images, newest first.
func (s *Store) Images() ([]ImageSummary, error) {
	imgs, err := s.Store.Images()
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	children, err := s.childrenOf(imgs, untagged(imgs))
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	out := make([]ImageSummary, 0, len(imgs))
	for _, img := range imgs {
		size, err := s.ImageSize(img.ID)
		if err != nil {
			size = -1
		}
		parent := len(children[img.ID]) > 0
		out = append(out, ImageSummary{
			ID: img.ID, Names: img.Names, Digest: img.Digest, Created: img.Created,
			Size: size, Dangling: len(img.Names) == 0 && !parent, Intermediate: len(img.Names) == 0 && parent,
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// Lookup finds one image by full or prefix ID, by name (normalized the way
// docker normalizes, a missing tag meaning latest), by name@digest, or by a
// short name matching the last components of exactly one stored name. The
// second result is the stored name that matched ("" for an ID).
//
// Complexity ~29: the forms are tried in docker's order of precedence, and
// each must refuse an ambiguous match itself; one function keeps that
// order readable top to bottom.
func (s *Store) Lookup(ref string) (*cstorage.Image, string, error) {
	if strings.TrimSpace(ref) == "" {
		return nil, "", ErrEmptyName
	}
	id := strings.TrimPrefix(ref, "sha256:")
	if img, err := s.Image(id); err == nil && img.ID == id {
		return img, "", nil
	}
	imgs, err := s.Store.Images()
	if err != nil {
		return nil, "", fmt.Errorf("list images: %w", err)
	}
	if isHex(id) && len(id) >= 3 {
		var hits []cstorage.Image
		for _, img := range imgs {
			if strings.HasPrefix(img.ID, id) {
				hits = append(hits, img)
			}
		}
		if len(hits) == 1 {
			return &hits[0], "", nil
		}
		if len(hits) > 1 {
			return nil, "", fmt.Errorf("%w: ID prefix %q matches %d images", ErrAmbiguous, ref, len(hits))
		}
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return nil, "", fmt.Errorf("image %q: %w", ref, ErrImageUnknown)
	}
	if c, ok := named.(reference.Canonical); ok {
		found, err := s.ImagesByDigest(c.Digest())
		if err == nil {
			for _, img := range found {
				for _, n := range img.Names {
					if pn, err := reference.ParseNormalizedNamed(n); err == nil && pn.Name() == named.Name() {
						return img, n, nil
					}
				}
			}
		}
		return nil, "", fmt.Errorf("image %q: %w", ref, ErrImageUnknown)
	}
	named = reference.TagNameOnly(named)
	full := named.String()
	for i := range imgs {
		for _, n := range imgs[i].Names {
			if n == full {
				return &imgs[i], n, nil
			}
		}
	}
	// A short name: "busybox" or "husk-test/busybox:1" matches
	// "127.0.0.1:5055/husk-test/busybox:latest".
	if strings.Contains(ref, "@") || hasDomain(ref) {
		return nil, "", fmt.Errorf("image %q: %w", ref, ErrImageUnknown)
	}
	short := ref
	if !strings.Contains(lastComponent(short), ":") {
		short += ":latest"
	}
	var hits []int
	var names []string
	for i := range imgs {
		for _, n := range imgs[i].Names {
			if strings.HasSuffix(n, "/"+short) {
				hits = append(hits, i)
				names = append(names, n)
				break
			}
		}
	}
	switch {
	case len(hits) == 1:
		return &imgs[hits[0]], names[0], nil
	case len(hits) > 1:
		return nil, "", fmt.Errorf("%w: %q matches %s; use the full name", ErrAmbiguous, ref, strings.Join(names, ", "))
	}
	return nil, "", fmt.Errorf("image %q: %w", ref, ErrImageUnknown)
}

func lastComponent(s string) string { return s[strings.LastIndex(s, "/")+1:] }

// hasDomain reports whether the first component of a reference looks like a
// registry host.
func hasDomain(ref string) bool {
	i := strings.Index(ref, "/")
	if i < 0 {
		return false
	}
	first := ref[:i]
	return strings.ContainsAny(first, ".:") || first == "localhost"
}

func isHex(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return s != ""
}

// RemoveOptions controls RemoveImage.
type RemoveOptions struct {
	// Force removes an image even if it has other names (all of them go)
	// and deletes containers that use it.
	Force bool
}

// RemoveResult says what RemoveImage did.
type RemoveResult struct {
	Untagged []string
	Deleted  string
	// Parents are the untagged parents that went with the image (the
	// intermediate images of its build) as nothing else used them.
	Parents []string
}

// RemoveImage untags the name the user gave; when that was the last name
// (or the image was named by ID) the image and its unshared layers go.
func (s *Store) RemoveImage(ref string, opts RemoveOptions) (RemoveResult, error) {
	img, matched, err := s.Lookup(ref)
	if err != nil {
		return RemoveResult{}, err
	}
	var res RemoveResult
	if matched != "" && len(img.Names) > 1 {
		if err := s.RemoveNames(img.ID, []string{matched}); err != nil {
			return res, fmt.Errorf("untag %q: %w", matched, err)
		}
		res.Untagged = []string{matched}
		return res, nil
	}
	if matched == "" && len(img.Names) > 1 && !opts.Force {
		return res, setting.Errorf("image %s has several names (%s): remove them one by one or use {force}", img.ID[:12], strings.Join(img.Names, ", "))
	}
	containers, err := s.Containers()
	if err != nil {
		return res, fmt.Errorf("list containers: %w", err)
	}
	for _, c := range containers {
		if c.ImageID != img.ID {
			continue
		}
		if !opts.Force {
			return res, setting.Errorf("image %s is in use by container %s: remove the container first or use {force}", img.ID[:12], c.ID[:12])
		}
		if err := s.DeleteContainer(c.ID); err != nil {
			return res, fmt.Errorf("remove container %s: %w", c.ID[:12], err)
		}
	}
	imgs, err := s.Store.Images()
	if err != nil {
		return res, fmt.Errorf("list images: %w", err)
	}
	children, err := s.childrenOf(imgs, untagged(imgs))
	if err != nil {
		return res, fmt.Errorf("list images: %w", err)
	}
	if _, err := s.DeleteImage(img.ID, true); err != nil {
		return res, fmt.Errorf("remove image %s: %w", img.ID[:12], err)
	}
	res.Untagged = img.Names
	res.Deleted = img.ID
	used := map[string]bool{}
	for _, c := range containers {
		used[c.ImageID] = true
	}
	res.Parents = s.removeOrphanedParents(children, used, img.ID)
	return res, nil
}

// removeOrphanedParents removes the untagged images that were parents of
// the image gone and now have no child left, nor a container, up the
// chain, and returns their IDs. A parent that cannot be removed stays
// (it shows as dangling).
func (s *Store) removeOrphanedParents(children map[string][]string, used map[string]bool, gone string) []string {
	removed := map[string]bool{gone: true}
	var out []string
	for changed := true; changed; {
		changed = false
		for p, cs := range children {
			if removed[p] || used[p] || !allIn(cs, removed) {
				continue
			}
			if _, err := s.DeleteImage(p, true); err != nil {
				continue
			}
			removed[p], changed = true, true
			out = append(out, p)
		}
	}
	return out
}

func allIn(ids []string, set map[string]bool) bool {
	for _, id := range ids {
		if !set[id] {
			return false
		}
	}
	return true
}

// PruneImages removes images without a name that no container uses and
// that are no other image's parent (all unused images with all set), and
// returns their IDs. Without all it goes on while removing makes more
// such images: the intermediate images of a build whose image went.
func (s *Store) PruneImages(all bool) ([]string, error) {
	return s.PruneImagesMatching(all, nil)
}

// PruneImagesMatching is PruneImages of only the images match accepts
// (given the image's ID and creation time); nil accepts all.
func (s *Store) PruneImagesMatching(all bool, match func(id string, created time.Time) bool) ([]string, error) {
	var removed []string
	for {
		n, err := s.pruneOnce(all, match, &removed)
		if err != nil || n == 0 || all {
			return removed, err
		}
	}
}

func (s *Store) pruneOnce(all bool, match func(string, time.Time) bool, removed *[]string) (int, error) {
	imgs, err := s.Store.Images()
	if err != nil {
		return 0, fmt.Errorf("list images: %w", err)
	}
	containers, err := s.Containers()
	if err != nil {
		return 0, fmt.Errorf("list containers: %w", err)
	}
	used := map[string]bool{}
	for _, c := range containers {
		used[c.ImageID] = true
	}
	children := map[string][]string{}
	if !all {
		if children, err = s.childrenOf(imgs, untagged(imgs)); err != nil {
			return 0, fmt.Errorf("list images: %w", err)
		}
	}
	n := 0
	for _, img := range imgs {
		if used[img.ID] || (!all && (len(img.Names) > 0 || len(children[img.ID]) > 0)) {
			continue
		}
		if match != nil && !match(img.ID, img.Created) {
			continue
		}
		if _, err := s.DeleteImage(img.ID, true); err != nil {
			return n, fmt.Errorf("remove image %s: %w", img.ID[:12], err)
		}
		*removed = append(*removed, img.ID)
		n++
	}
	return n, nil
}

// Tag adds names to an image. Names without a registry get localhost/
// (as podman does) and :latest when untagged; a name another image has
// moves to this one.
func (s *Store) Tag(ref string, names []string) error {
	img, _, err := s.Lookup(ref)
	if err != nil {
		return err
	}
	var full []string
	for _, n := range names {
		name, err := NormalizeName(n)
		if err != nil {
			return err
		}
		full = append(full, name)
	}
	if err := s.AddNames(img.ID, full); err != nil {
		return fmt.Errorf("tag %s: %w", short(img.ID), err)
	}
	return nil
}

// NormalizeName is the full name an image gets when the user names it n:
// localhost/ when n has no registry (as podman does), :latest when it has
// no tag.
func NormalizeName(n string) (string, error) {
	full := n
	if !hasDomain(n) {
		full = "localhost/" + n
	}
	named, err := reference.ParseNormalizedNamed(full)
	if err != nil {
		return "", fmt.Errorf("invalid name %q: %w", n, err)
	}
	if _, ok := named.(reference.Canonical); ok {
		return "", fmt.Errorf("invalid name %q: a tag cannot contain a digest", n)
	}
	return reference.TagNameOnly(named).String(), nil
}
