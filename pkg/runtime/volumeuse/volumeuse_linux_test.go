package volumeuse

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage/storagetest"
)

func TestRemoveAndPrune(t *testing.T) {
	store := storagetest.VFS(t)
	dir := t.TempDir()
	vs := &runtime.VolumeStore{Dir: filepath.Join(dir, "volumes")}
	for _, n := range []string{"a", "b", "c"} {
		if _, err := vs.Create(n, nil); err != nil {
			t.Fatal(err)
		}
	}
	if used, err := InUse(store); err != nil || len(used) != 0 {
		t.Errorf("in use: %v %v", used, err)
	}
	removed, err := Remove(store, vs, []string{"a", "nope", "b"}, RemoveOptions{})
	if err == nil || !slices.Equal(removed, []string{"a"}) {
		t.Errorf("rm a nope b: %q %v", removed, err)
	}
	if removed, err := Prune(store, vs); err != nil || !slices.Equal(removed, []string{"b", "c"}) {
		t.Errorf("prune: %q %v", removed, err)
	}
}
