package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	cstorage "go.podman.io/storage"

	"github.com/husk-dev/husk/pkg/storage"
)

// External is a container in the store that is not husk's: a build's
// working container (buildah's, with its buildah.json) or one another
// tool made in the same store. husk ps --external lists them and husk rm
// removes them, as podman does with its storage containers.
type External struct {
	ID      string
	Name    string
	ImageID string
	// Image is the name of the container's image ("" when it has none).
	Image   string
	Created time.Time
	// Buildah says the container is a buildah working container.
	Buildah bool
}

// buildahState is the file buildah keeps in its containers' directories.
const buildahState = "buildah.json"

// husks reports whether sc was made by husk (complete or being created).
func husks(sc *cstorage.Container) bool {
	var m storageMetadata
	return json.Unmarshal([]byte(sc.Metadata), &m) == nil && m.Husk == 1
}

// ListExternal returns the store's containers that are not husk's.
func ListExternal(s *storage.Store) ([]External, error) {
	all, err := s.Containers()
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	var out []External
	for i := range all {
		if !husks(&all[i]) {
			out = append(out, external(s, &all[i]))
		}
	}
	return out, nil
}

func external(s *storage.Store, sc *cstorage.Container) External {
	e := External{ID: sc.ID, ImageID: sc.ImageID, Created: sc.Created}
	if len(sc.Names) > 0 {
		e.Name = sc.Names[0]
	}
	if img, err := s.Image(sc.ImageID); err == nil {
		switch {
		case len(img.NamesHistory) > 0:
			e.Image = img.NamesHistory[0]
		case len(img.Names) > 0:
			e.Image = img.Names[0]
		}
	}
	if dir := storageDir(s, sc.ID); dir != "" {
		e.Buildah = !missing(filepath.Join(dir, buildahState))
	}
	if e.Image == "" && e.Buildah && sc.ImageID == "" {
		e.Image = "scratch"
	}
	return e
}

// LookupExternal finds a container that is not husk's by name, full ID or
// unique ID prefix; ok is false when ref names none (or names one of
// husk's).
func LookupExternal(s *storage.Store, ref string) (e External, ok bool) {
	if strings.TrimSpace(ref) == "" {
		return External{}, false
	}
	sc, err := s.Container(ref)
	if err != nil {
		all, err := s.Containers()
		if err != nil {
			return External{}, false
		}
		for i := range all {
			if strings.HasPrefix(all[i].ID, ref) {
				if sc != nil {
					return External{}, false // ambiguous: Lookup says so
				}
				sc = &all[i]
			}
		}
	}
	if sc == nil || husks(sc) {
		return External{}, false
	}
	return external(s, sc), true
}

// ErrExternalMounted is returned when removing a mounted container that is
// not husk's without force: its tool may be using it.
var ErrExternalMounted = errors.New("container is mounted")

// RemoveExternal removes a container that is not husk's from the store,
// unmounting it; a mounted one only with force, as podman does.
func RemoveExternal(s *storage.Store, e External, force bool) error {
	if n, err := s.Mounted(e.ID); err == nil && n > 0 && !force {
		return fmt.Errorf("remove container %q: %w and cannot be removed without using force: it may belong to a build that is running", e.Name, ErrExternalMounted)
	}
	err := s.DeleteContainer(e.ID)
	if err != nil && !errors.Is(err, cstorage.ErrContainerUnknown) {
		_, _ = s.Unmount(e.ID, true)
		err = s.DeleteContainer(e.ID)
	}
	if err != nil && !errors.Is(err, cstorage.ErrContainerUnknown) {
		return fmt.Errorf("remove container %q: %w", e.Name, err)
	}
	return nil
}
