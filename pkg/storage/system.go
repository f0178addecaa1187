package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	cstorage "go.podman.io/storage"

	"github.com/husk-dev/husk/internal/setting"
)

// CheckResult lists the problems found, one string each.
type CheckResult struct {
	Problems  []string
	report    cstorage.CheckReport
	staleTemp int
	tempAge   time.Duration
}

// OK reports whether nothing is wrong.
func (r CheckResult) OK() bool { return len(r.Problems) == 0 }

// Check verifies every layer against its recorded digests and every image
// and container against what it refers to. Layers that no image or
// container refers to are reported once older than maxUnreferenced
// (negative: never).
func (s *Store) Check(maxUnreferenced time.Duration) (CheckResult, error) {
	opts := cstorage.CheckEverything()
	if maxUnreferenced >= 0 {
		opts.LayerUnreferencedMaximumAge = &maxUnreferenced
	} else {
		opts.LayerUnreferencedMaximumAge = nil
	}
	rep, err := s.Store.Check(opts)
	if err != nil {
		return CheckResult{}, fmt.Errorf("check store: %w", err)
	}
	layers, err := s.Layers()
	if err != nil {
		return CheckResult{}, fmt.Errorf("list layers: %w", err)
	}
	parents := make(map[string]string, len(layers))
	mapped := map[string]bool{}
	for _, l := range layers {
		parents[l.ID] = l.Parent
		if len(l.UIDMap) > 0 || len(l.GIDMap) > 0 {
			mapped[l.ID] = true
		}
	}
	if err := filterContentReports(&rep, parents, mapped, s.diffHeaders); err != nil {
		return CheckResult{}, fmt.Errorf("check store: %w", err)
	}
	res := CheckResult{report: rep}
	add := func(kind string, m map[string][]error) {
		for id, errs := range m {
			for _, e := range errs {
				res.Problems = append(res.Problems, fmt.Sprintf("%s %s: %v", kind, short(id), e))
			}
		}
	}
	add("layer", rep.Layers)
	add("read-only layer", rep.ROLayers)
	add("image", rep.Images)
	add("read-only image", rep.ROImages)
	add("container", rep.Containers)
	if maxUnreferenced >= 0 {
		res.tempAge = maxUnreferenced
		entries, _ := os.ReadDir(TempDir(s.GraphRoot))
		for _, e := range entries {
			if stale(filepath.Join(TempDir(s.GraphRoot), e.Name()), e, maxUnreferenced) {
				res.Problems = append(res.Problems, fmt.Sprintf("temporary file %s left by an interrupted pull", filepath.Join(TempDir(s.GraphRoot), e.Name())))
				res.staleTemp++
			}
		}
	}
	sort.Strings(res.Problems)
	return res, nil
}

// Repair removes what Check found damaged: damaged layers, the images that
// need them and, only with removeContainers, containers. Healthy images
// are not touched.
func (s *Store) Repair(r CheckResult, removeContainers bool) error {
	errs := s.Store.Repair(r.report, &cstorage.RepairOptions{RemoveContainers: removeContainers})
	if r.staleTemp > 0 {
		s.cleanTemp(r.tempAge)
	}
	return errors.Join(errs...)
}

// LayerIDs returns the set of layer IDs now in the store.
func (s *Store) LayerIDs() (map[string]bool, error) {
	layers, err := s.Layers()
	if err != nil {
		return nil, fmt.Errorf("list layers: %w", err)
	}
	ids := make(map[string]bool, len(layers))
	for _, l := range layers {
		ids[l.ID] = true
	}
	return ids, nil
}

// RemoveOrphanLayers deletes layers not in before that no image or
// container refers to: the leftovers of a failed pull, which committed some
// layers before a later blob turned out to be bad.
func (s *Store) RemoveOrphanLayers(before map[string]bool) error {
	layers, err := s.Layers()
	if err != nil {
		return fmt.Errorf("list layers: %w", err)
	}
	referenced := map[string]bool{}
	parents := map[string]string{}
	for _, l := range layers {
		parents[l.ID] = l.Parent
	}
	mark := func(top string) {
		for id := top; id != "" && !referenced[id]; id = parents[id] {
			referenced[id] = true
		}
	}
	imgs, err := s.Store.Images()
	if err != nil {
		return fmt.Errorf("list images: %w", err)
	}
	for _, img := range imgs {
		mark(img.TopLayer)
		for _, m := range img.MappedTopLayers {
			mark(m)
		}
	}
	containers, err := s.Containers()
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	for _, c := range containers {
		mark(c.LayerID)
	}
	// Remove new unreferenced layers, children first.
	var errs []error
	for {
		removed := false
		children := map[string]int{}
		cur, err := s.Layers()
		if err != nil {
			return fmt.Errorf("list layers: %w", err)
		}
		for _, l := range cur {
			children[l.Parent]++
		}
		for _, l := range cur {
			if before[l.ID] || referenced[l.ID] || children[l.ID] > 0 {
				continue
			}
			if err := s.DeleteLayer(l.ID); err != nil {
				errs = append(errs, fmt.Errorf("remove layer %s: %w", short(l.ID), err))
				continue
			}
			removed = true
		}
		if !removed {
			break
		}
	}
	return errors.Join(errs...)
}

// Reset removes every image, layer and container: the whole graph root
// and run root.
func (s *Store) Reset() error {
	if _, err := s.Shutdown(true); err != nil {
		return fmt.Errorf("shut down store: %w", err)
	}
	var errs []error
	for _, d := range []string{s.GraphRoot, s.RunRoot} {
		if err := os.RemoveAll(d); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", d, err))
		}
	}
	return errors.Join(errs...)
}

func short(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// ProblemsError is CheckAndRepair's error when the store has problems
// after it (or it was not asked to repair).
type ProblemsError struct{ error }

func (e *ProblemsError) Unwrap() error { return e.error }

// CheckAndRepair checks the store, lists each problem on w, and with
// repair removes what is damaged (containers too with removeContainers)
// and checks again, as husk system check does.
func (s *Store) CheckAndRepair(w io.Writer, maxUnreferenced time.Duration, repair, removeContainers bool) error {
	res, err := s.Check(maxUnreferenced)
	if err != nil {
		return err
	}
	if res.OK() {
		fmt.Fprintln(w, "No problems found")
		return nil
	}
	for _, p := range res.Problems {
		fmt.Fprintln(w, p)
	}
	if !repair {
		return &ProblemsError{setting.Errorf("%d problem(s) found; run 'husk system check {repair}' to remove damaged items", len(res.Problems))}
	}
	if err := s.Repair(res, removeContainers); err != nil {
		return fmt.Errorf("repair store: %w", err)
	}
	after, err := s.Check(maxUnreferenced)
	if err != nil {
		return err
	}
	if !after.OK() {
		for _, p := range after.Problems {
			fmt.Fprintln(w, "remaining: "+p)
		}
		return &ProblemsError{fmt.Errorf("%d problem(s) remain after repair", len(after.Problems))}
	}
	fmt.Fprintf(w, "Repaired %d problem(s)\n", len(res.Problems))
	return nil
}

// WriteRemoval prints what removing an image did, as rmi does.
func WriteRemoval(w io.Writer, r RemoveResult) {
	for _, n := range r.Untagged {
		fmt.Fprintf(w, "Untagged: %s\n", n)
	}
	for _, id := range append([]string{r.Deleted}, r.Parents...) {
		if id != "" {
			fmt.Fprintf(w, "Deleted: %s\n", id)
		}
	}
}
