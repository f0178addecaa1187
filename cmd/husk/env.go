//go:build linux

package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

// absStorePaths makes --root and --runroot absolute. The monitor of a
// detached container and other helpers husk starts get the paths and run
// in another directory, where a relative path would name another store.
func (g *globalOptions) absStorePaths() error {
	for _, p := range []struct {
		flag string
		v    *string
	}{{"--root", &g.root}, {"--runroot", &g.runRoot}} {
		if *p.v == "" {
			continue
		}
		if strings.TrimSpace(*p.v) == "" || strings.IndexByte(*p.v, 0) >= 0 {
			return fmt.Errorf("%s %q: not a directory path", p.flag, *p.v)
		}
		abs, err := filepath.Abs(*p.v)
		if err != nil {
			return fmt.Errorf("%s %q: %w", p.flag, *p.v, err)
		}
		*p.v = abs
	}
	return nil
}

// storeOptions derives the store location from the flags and the
// namespace state.
func (a *app) storeOptions() storage.Options {
	graph, run := storage.DefaultPaths(a.state.Rootless, a.runtimeDir)
	if a.global.root != "" {
		graph = a.global.root
	}
	if a.global.runRoot != "" {
		run = a.global.runRoot
	}
	d, _ := storage.ParseDriver(a.global.storageDriver)
	return storage.Options{
		GraphRoot:         graph,
		RunRoot:           run,
		Driver:            d,
		IgnoreChownErrors: a.state.Mapping == userns.MappingSingle,
	}
}

// openStore opens the store; callers close it.
func (a *app) openStore() (*storage.Store, error) {
	return storage.Open(a.storeOptions())
}

// blobCacheDir keeps containers/image's blob info cache beside the store.
func (a *app) blobCacheDir() string {
	return filepath.Join(a.storeOptions().GraphRoot, "cache")
}

// withCache fills the blob cache directory of registry options.
func (a *app) withCache(o pullopts.RegistryOptions) pullopts.RegistryOptions {
	o.BlobInfoCacheDir = a.blobCacheDir()
	return o
}
