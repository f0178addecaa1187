// Package storagetest gives tests a throw-away store: vfs, in a temporary
// directory, closed (and its mounts shut down) when the test ends.
package storagetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/husk-dev/husk/pkg/storage"
)

// Options are the options of a new vfs store in a temporary directory.
// The test is skipped unless it runs as root (make test runs unit tests
// as root): the storage library chowns its directories.
func Options(t testing.TB) storage.Options {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (make test runs unit tests as root): the storage library chowns its directories")
	}
	dir := t.TempDir()
	return storage.Options{GraphRoot: filepath.Join(dir, "g"), RunRoot: filepath.Join(dir, "r"), Driver: storage.DriverVFS}
}

// VFS opens a new store with Options; it is shut down and closed when the
// test ends.
func VFS(t testing.TB) *storage.Store {
	t.Helper()
	s, err := storage.Open(Options(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.Shutdown(true)
		_ = s.Close()
	})
	return s
}
