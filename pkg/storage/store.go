package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	cstorage "go.podman.io/storage"
	graphdriver "go.podman.io/storage/drivers"
)

// Options locate and configure a store.
type Options struct {
	GraphRoot string
	RunRoot   string
	Driver    Driver
	// IgnoreChownErrors stores files whose owner cannot be mapped as owned
	// by root, for single-id user namespaces.
	IgnoreChownErrors bool
}

// Store is an open store and the driver it runs on.
type Store struct {
	cstorage.Store
	Driver    Driver
	GraphRoot string
	RunRoot   string
}

// Open opens (creating if needed) the store. With DriverAuto a new store
// gets native overlay where the kernel allows it, else fuse-overlayfs if
// installed, else vfs; the choice is recorded in the store.
func Open(opts Options) (*Store, error) {
	if err := os.MkdirAll(opts.GraphRoot, 0o700); err != nil {
		return nil, fmt.Errorf("create store %q: %w", opts.GraphRoot, err)
	}
	if err := os.MkdirAll(opts.RunRoot, 0o700); err != nil {
		return nil, fmt.Errorf("create run root %q: %w", opts.RunRoot, err)
	}
	recorded, err := recordedDriver(opts.GraphRoot)
	if err != nil {
		return nil, err
	}
	cands, err := candidates(opts.Driver, recorded, opts.GraphRoot)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, d := range cands {
		name, dopts, err := graphDriver(d, opts.IgnoreChownErrors)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s, err := cstorage.GetStore(cstorage.StoreOptions{
			GraphRoot:          opts.GraphRoot,
			RunRoot:            opts.RunRoot,
			GraphDriverName:    name,
			GraphDriverOptions: dopts,
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d, err))
			if len(cands) > 1 && notSupported(err) {
				continue
			}
			return nil, fmt.Errorf("open store %q with driver %s: %w", opts.GraphRoot, d, err)
		}
		if recorded == DriverAuto {
			if err := recordDriver(opts.GraphRoot, d); err != nil {
				_, _ = s.Shutdown(false)
				return nil, err
			}
		}
		st := &Store{Store: s, Driver: d, GraphRoot: opts.GraphRoot, RunRoot: opts.RunRoot}
		st.cleanTemp(time.Hour)
		return st, nil
	}
	return nil, fmt.Errorf("open store %q: no usable storage driver: %w", opts.GraphRoot, errors.Join(errs...))
}

// Close releases the store; mounts held by this process are kept.
func (s *Store) Close() error {
	_, err := s.Shutdown(false)
	if err != nil {
		return fmt.Errorf("shut down store: %w", err)
	}
	return nil
}

func notSupported(err error) bool {
	return errors.Is(err, graphdriver.ErrNotSupported) || errors.Is(err, graphdriver.ErrPrerequisites) || errors.Is(err, graphdriver.ErrIncompatibleFS)
}

// TempDir is where pulls keep blobs in flight: inside the store, so that
// what a killed pull leaves is found and removed.
func TempDir(graphRoot string) string { return filepath.Join(graphRoot, "tmp") }

// cleanTemp removes what pulls left in TempDir longer ago than age (a
// running pull's files are younger) and makes sure the directory exists.
func (s *Store) cleanTemp(age time.Duration) []string {
	dir := TempDir(s.GraphRoot)
	_ = os.MkdirAll(dir, 0o700)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || time.Since(fi.ModTime()) < age {
			continue
		}
		if os.RemoveAll(filepath.Join(dir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}
