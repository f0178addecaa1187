package main

import (
	"os"
	"path/filepath"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

// storeOptions derives the store location from the flags and the
// namespace state.
func (a *app) storeOptions() storage.Options {
	graph, run := storage.DefaultPaths(a.state.Rootless, os.Getenv("XDG_RUNTIME_DIR"))
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
