package pod

import (
	"errors"
	"path/filepath"
	"testing"
)

// With ignore, a --pod-id-file that does not exist names no pod (pod rm
// --ignore skips it); without, it is an error of its own.
func TestReadIDFileIgnore(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	if _, err := ReadIDFile(missing, true); !errors.Is(err, ErrPodUnknown) {
		t.Fatalf("with ignore: %v", err)
	}
	if _, err := ReadIDFile(missing, false); err == nil || errors.Is(err, ErrPodUnknown) {
		t.Fatalf("without ignore: %v", err)
	}
}
