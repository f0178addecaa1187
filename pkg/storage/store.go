package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cstorage "go.podman.io/storage"
	graphdriver "go.podman.io/storage/drivers"
	"golang.org/x/sys/unix"
)

// Options locate and configure a store.
type Options struct {
	GraphRoot string
	RunRoot   string
	Driver    Driver
	// IgnoreChownErrors stores files whose owner cannot be mapped as owned
	// by root, for single-id user namespaces.
	IgnoreChownErrors bool
	// DriverOptions are more options for the driver (--storage-opt
	// KEY=VALUE, e.g. overlay.mount_program=PATH), after husk's own: the
	// storage library refuses keys its driver does not know.
	DriverOptions []string
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
		dopts = append(dopts, driverOptions(opts.DriverOptions)...)
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

// PullTemp makes a private temporary directory for one pull, locked for as
// long as the pull runs; release removes it. Directories whose lock nobody
// holds belong to pulls that died, and the next Open removes them.
func (s *Store) PullTemp() (string, func(), error) {
	base := TempDir(s.GraphRoot)
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", nil, fmt.Errorf("create temporary directory: %w", err)
	}
	// The directory gets its pull- name only once its lock is held: a
	// cleaner running meanwhile in another command must not find it free.
	tmp, err := os.MkdirTemp(base, "new-")
	if err != nil {
		return "", nil, fmt.Errorf("create temporary directory: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(tmp, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		err = unix.Flock(int(lock.Fd()), unix.LOCK_EX)
	}
	dir := filepath.Join(base, "pull-"+strings.TrimPrefix(filepath.Base(tmp), "new-"))
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("lock temporary directory: %w", err)
	}
	return dir, func() {
		os.RemoveAll(dir)
		lock.Close()
	}, nil
}

// cleanTemp removes the directories of pulls that are gone (their lock is
// free) and anything else older than age, and makes sure TempDir exists.
func (s *Store) cleanTemp(age time.Duration) []string {
	dir := TempDir(s.GraphRoot)
	_ = os.MkdirAll(dir, 0o700)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !stale(p, e, age) {
			continue
		}
		if os.RemoveAll(p) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}

// stale reports whether an entry of TempDir may go: a pull directory when
// its pull has ended (its lock is free), anything else once older than age.
func stale(p string, e os.DirEntry, age time.Duration) bool {
	if strings.HasPrefix(e.Name(), "pull-") {
		if lock, err := os.Open(filepath.Join(p, ".lock")); err == nil {
			defer lock.Close()
			return unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil
		}
	}
	fi, err := e.Info()
	return err == nil && time.Since(fi.ModTime()) >= age
}

// ContainersDir is where s keeps its containers' directories.
func (s *Store) ContainersDir() string {
	return filepath.Join(s.GraphRoot, s.GraphDriverName()+"-containers")
}
