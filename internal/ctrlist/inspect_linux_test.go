package ctrlist

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage/storagetest"
)

func TestEmptyStore(t *testing.T) {
	store := storagetest.VFS(t)
	if _, err := InspectContainer(store, "web", InspectOptions{}); !errors.Is(err, runtime.ErrContainerUnknown) {
		t.Errorf("inspect of none: %v", err)
	}
	if removed, err := RemoveStopped(context.Background(), store, runtime.Env{Store: store}); err != nil || len(removed) != 0 {
		t.Errorf("prune of none: %q %v", removed, err)
	}
	if rows, err := List(store, runtime.Env{Store: store}, Options{All: true}, os.Stderr); err != nil || len(rows) != 0 {
		t.Errorf("list of none: %v %v", rows, err)
	}
}
