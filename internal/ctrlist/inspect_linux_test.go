package ctrlist

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

func TestEmptyStore(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (run by make test as root): the storage library chowns its directories")
	}
	dir := t.TempDir()
	store, err := storage.Open(storage.Options{GraphRoot: filepath.Join(dir, "g"), RunRoot: filepath.Join(dir, "r"), Driver: storage.DriverVFS})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := InspectContainer(store, "web"); !errors.Is(err, runtime.ErrContainerUnknown) {
		t.Errorf("inspect of none: %v", err)
	}
	if removed, err := RemoveStopped(context.Background(), store, runtime.Env{Store: store}); err != nil || len(removed) != 0 {
		t.Errorf("prune of none: %q %v", removed, err)
	}
	if rows, err := List(store, runtime.Env{Store: store}, Options{All: true}, os.Stderr); err != nil || len(rows) != 0 {
		t.Errorf("list of none: %v %v", rows, err)
	}
}
