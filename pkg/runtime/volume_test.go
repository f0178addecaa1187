package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestVolumeNames(t *testing.T) {
	dir := t.TempDir()
	s := &VolumeStore{Dir: filepath.Join(dir, "volumes")}
	// A volume.json beside the store must not be reachable by name.
	if err := os.WriteFile(filepath.Join(dir, "volume.json"), []byte(`{"Name":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", " ", "\t"} {
		if _, err := s.Get(name); !errors.Is(err, ErrEmptyVolumeName) {
			t.Errorf("Get(%q): %v", name, err)
		}
		if err := s.Remove(name); !errors.Is(err, ErrEmptyVolumeName) {
			t.Errorf("Remove(%q): %v", name, err)
		}
		if _, err := s.Create(name, nil); !errors.Is(err, ErrEmptyVolumeName) {
			t.Errorf("Create(%q): %v", name, err)
		}
	}
	for _, name := range []string{"..", ".", "../volumes", "a/b", "-x", "a b"} {
		if _, err := s.Get(name); err == nil || errors.Is(err, ErrVolumeUnknown) {
			t.Errorf("Get(%q): %v, want an invalid name", name, err)
		}
	}
	if _, err := s.Create("data.1_x-y", nil); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get("data.1_x-y"); err != nil || v.Name != "data.1_x-y" {
		t.Fatalf("Get: %+v %v", v, err)
	}
	if _, err := s.Get("other"); !errors.Is(err, ErrVolumeUnknown) {
		t.Fatalf("Get(other): %v", err)
	}
}
