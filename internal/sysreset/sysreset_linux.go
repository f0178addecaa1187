package sysreset

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// Options say what to reset and how.
type Options struct {
	// Store is the store's location.
	Store storage.Options
	// Env decides the runtime environment for the open store.
	Env func(*storage.Store) (runtime.Env, error)
	// StopNamespace stops the user namespace's holder (nil: none, as
	// root).
	StopNamespace func() error
	// Warn gets what could not be removed on the way.
	Warn io.Writer
}

// Reset removes every container, the networks' state, the namespace
// holder and the store; a store too damaged to open is removed as files.
func Reset(ctx context.Context, o Options) error {
	warn := func(err error) { fmt.Fprintf(o.Warn, "husk: warning: %v\n", err) }
	if store, err := storage.Open(o.Store); err == nil {
		if env, err := o.Env(store); err == nil {
			if cs, err := runtime.List(store); err == nil {
				for _, c := range cs {
					if err := runtime.Remove(ctx, env, c, true); err != nil {
						warn(err)
					}
				}
			}
			if err := runtime.ReleaseNetworks(env); err != nil {
				warn(err)
			}
			if env.Volumes != nil {
				if err := env.Volumes.UnmountAll(); err != nil {
					warn(err)
				}
				removeOutsideVolumes(env.Volumes, store.GraphRoot, warn)
			}
		}
		_ = store.Close()
	}
	if o.StopNamespace != nil {
		if err := o.StopNamespace(); err != nil {
			warn(err)
		}
	}
	store, err := storage.Open(o.Store)
	if err != nil {
		fmt.Fprintf(o.Warn, "husk: warning: %v; removing the directories directly\n", err)
		for _, d := range []string{o.Store.GraphRoot, o.Store.RunRoot} {
			if err := os.RemoveAll(d); err != nil {
				return fmt.Errorf("remove %s: %w", d, err)
			}
		}
		return nil
	}
	return store.Reset()
}

// removeOutsideVolumes removes the volumes of a volume directory outside
// the store (--volumepath), which removing the store leaves; the directory
// itself is the user's and stays.
func removeOutsideVolumes(vs *runtime.VolumeStore, graphRoot string, warn func(error)) {
	if rel, err := filepath.Rel(graphRoot, vs.Dir); err == nil && !strings.HasPrefix(rel, "..") {
		return
	}
	vols, err := vs.List()
	if err != nil {
		warn(err)
		return
	}
	for _, v := range vols {
		if err := vs.Remove(v.Name); err != nil {
			warn(err)
		}
	}
}
