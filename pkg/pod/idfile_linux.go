package pod

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/userfile"
)

// IDFile is a --pod-id-file reserved for the ID of a pod about to be
// made (pod create, run --pod new:NAME).
type IDFile struct {
	path string
	f    *os.File
}

// ReserveIDFile creates path, refusing a file that exists (another pod
// may be using it), as podman's pod create does.
func ReserveIDFile(path string) (*IDFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, setting.Errorf("{pod-id-file} %q exists: make sure no other pod uses it, or delete it", path)
		}
		return nil, setting.Errorf("{pod-id-file}: %w", err)
	}
	return &IDFile{path: path, f: f}, nil
}

// Write writes the pod's ID and closes the file; nil does nothing.
func (f *IDFile) Write(id string) error {
	if f == nil {
		return nil
	}
	_, err := f.f.WriteString(id)
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write pod ID file %q: %w", f.path, err)
	}
	return nil
}

// Abandon removes the file when no pod was made; nil does nothing.
func (f *IDFile) Abandon() {
	if f == nil {
		return
	}
	_ = f.f.Close()
	_ = os.Remove(f.path)
}

// ReadIDFile is the pod ID a --pod-id-file holds (read bounded). With
// ignore, a file that does not exist is ErrPodUnknown, for callers that
// skip unknown pods (pod rm --ignore).
func ReadIDFile(path string, ignore bool) (string, error) {
	b, err := userfile.Read(path, 4096)
	if err != nil {
		if ignore && errors.Is(err, fs.ErrNotExist) {
			return "", ErrPodUnknown
		}
		return "", setting.Errorf("read the {pod-id-file} %s: %w", path, err)
	}
	id := strings.TrimSpace(string(b))
	if id == "" {
		return "", setting.Errorf("the {pod-id-file} %s is empty", path)
	}
	return id, nil
}
