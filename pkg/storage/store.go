package storage

import (
	"errors"
	"fmt"
	"os"

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
		return &Store{Store: s, Driver: d, GraphRoot: opts.GraphRoot, RunRoot: opts.RunRoot}, nil
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
