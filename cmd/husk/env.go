//go:build linux

package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/husk-dev/husk/internal/ctrlist"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/pod"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

// absStorePaths makes --root, --runroot and --hooks-dir absolute. The monitor of a
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
	for i, d := range g.hooksDirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return fmt.Errorf("--hooks-dir %q: %w", d, err)
		}
		g.hooksDirs[i] = abs
	}
	for i, d := range g.cdiSpecDirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return fmt.Errorf("--cdi-spec-dir %q: %w", d, err)
		}
		g.cdiSpecDirs[i] = abs
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
		DriverOptions:     a.global.storageOpts,
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

// withContainers opens the store and runs fn for each named container.
func (a *app) withContainers(names []string, fn func(runtime.Env, *runtime.Container) error) error {
	store, env, err := a.openEnv()
	if err != nil {
		return err
	}
	defer store.Close()
	var firstErr error
	for _, n := range names {
		c, err := runtime.Lookup(store, n)
		if err == nil {
			err = fn(env, c)
		}
		if err != nil {
			if len(names) == 1 {
				return err
			}
			fmt.Fprintf(a.stderr, "husk: %s\n", message(err))
			if firstErr == nil {
				firstErr = &exitCodeError{code: exitHusk}
			}
		}
	}
	return firstErr
}

// runtimeEnv is the host-dependent part of running containers, decided
// here once.
func (a *app) runtimeEnv(store *storage.Store) (runtime.Env, error) {
	env, err := a.runtimeEnvAt(store.RunRoot)
	if err != nil {
		return env, err
	}
	env.Store, env.Volumes = store, a.volumeStore(store)
	return env, nil
}

// runtimeEnvAt is the runtime environment for the store whose run root is
// runRoot, without the store.
func (a *app) runtimeEnvAt(runRoot string) (runtime.Env, error) {
	stateDir := filepath.Join(runRoot, "husk-runtime")
	rts, err := oci.Select(oci.SelectOptions{Name: a.global.runtime, StateDir: stateDir, Flags: a.global.runtimeFlags})
	if err != nil {
		return runtime.Env{}, err
	}
	cg, err := a.cgroupInfo()
	if err != nil {
		return runtime.Env{}, err
	}
	return runtime.Env{
		Cgroups:  &cg,
		Runtimes: rts,
		Rootless: a.state.Rootless,
		SingleID: a.state.Mapping == userns.MappingSingle,
		HostUID:  a.state.UID,
		HostGID:  a.state.GID,
		Notices:  a.stderr,
		StateDir: stateDir,
		// Decided once in setup.
		RuntimeDir: a.runtimeDir,
		Events:     a.journal(),
		Secrets:    a.secretStore(),
		HooksDirs:  a.hooksDirs(),
		// Made absolute (absStorePaths); nil: the defaults.
		CDISpecDirs: a.global.cdiSpecDirs,
	}, nil
}

// openEnv opens the store and decides the runtime environment for it; the
// caller closes the store.
func (a *app) openEnv() (*storage.Store, runtime.Env, error) {
	store, err := a.openStore()
	if err != nil {
		return nil, runtime.Env{}, err
	}
	env, err := a.runtimeEnv(store)
	if err != nil {
		store.Close()
		return nil, runtime.Env{}, err
	}
	return store, env, nil
}

// cgroupInfo detects the host's cgroups for this user.
func (a *app) cgroupInfo() (cgroups.Info, error) {
	return cgroups.Detect(a.state.Rootless, int(a.state.UID), a.runtimeDir, cgroups.Manager(a.global.cgroupManager))
}

// withSelection opens the store and runs fn for each container sel
// selects; with several, each failure is reported and husk ends with 125.
// filterSelection narrows sel to the containers ps's --filter values
// match (none given: sel stays).
func (a *app) filterSelection(sel *runtime.Selection, filters []string) error {
	if len(filters) == 0 {
		return nil
	}
	f, err := a.parseFilter(filters)
	if err != nil {
		return err
	}
	sel.Filter = f.Match
	return nil
}

// parseFilter is ps's --filter for the commands that select containers
// with it (no before= or since=), pod= resolved in the store's pods.
func (a *app) parseFilter(filters []string) (*ctrlist.Filter, error) {
	f, err := ctrlist.ParseFilter(filters, nil)
	if err != nil {
		return nil, err
	}
	graphRoot := a.storeOptions().GraphRoot
	f.ResolvePods(func(ref string) (string, bool) {
		p, err := pod.LookupIn(graphRoot, ref)
		if err != nil {
			return "", false
		}
		return p.ID, true
	})
	return f, nil
}

func (a *app) withSelection(sel runtime.Selection, fn func(runtime.Env, runtime.Target) error) error {
	if err := sel.Check(); err != nil {
		return err
	}
	store, env, err := a.openEnv()
	if err != nil {
		return err
	}
	defer store.Close()
	ts, err := runtime.Select(env, sel)
	if err != nil {
		return err
	}
	var firstErr error
	for _, t := range ts {
		if err := fn(env, t); err != nil {
			if len(ts) == 1 {
				return err
			}
			fmt.Fprintf(a.stderr, "husk: %s\n", message(err))
			if firstErr == nil {
				firstErr = &exitCodeError{code: exitHusk}
			}
		}
	}
	return firstErr
}
