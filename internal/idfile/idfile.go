// Package idfile keeps the files scripts and systemd units hold a
// container's or a pod's ID in (--cidfile, --pod-id-file): reserved
// before the thing is made, written once it exists, read bounded.
package idfile

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/userfile"
)

// File is an ID file reserved for a thing about to be made.
type File struct {
	path, what string
	f          *os.File
}

// Reserve creates path for the ID of a what ("container", "pod") about
// to be made, refusing a file that exists: another may be using it.
// flag is the setting that named the file, for messages.
func Reserve(path, flag, what string) (*File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, setting.Errorf("{"+flag+"} %q exists: make sure no other %s uses it, or delete it", path, what)
		}
		return nil, setting.Errorf("{"+flag+"}: %w", err)
	}
	return &File{path: path, what: what, f: f}, nil
}

// Write writes the ID and closes the file; nil does nothing.
func (f *File) Write(id string) error {
	if f == nil {
		return nil
	}
	_, err := f.f.WriteString(id)
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s ID file %q: %w", f.what, f.path, err)
	}
	return nil
}

// Abandon removes the file when nothing was made; nil does nothing.
func (f *File) Abandon() {
	if f == nil {
		return
	}
	_ = f.f.Close()
	_ = os.Remove(f.path)
}

// Read is the ID the file at path holds (read bounded); flag is the
// setting that named it. A file that does not exist is an error that
// errors.Is fs.ErrNotExist.
func Read(path, flag string) (string, error) {
	b, err := userfile.Read(path, 4096)
	if err != nil {
		return "", setting.Errorf("read the {"+flag+"} %s: %w", path, err)
	}
	id := strings.TrimSpace(string(b))
	if id == "" {
		return "", setting.Errorf("the {"+flag+"} %s is empty", path)
	}
	return id, nil
}
