package storage

import (
	"os"
	"path/filepath"
)

// DefaultPaths returns the graph root (images, layers) and run root
// (mount state) for a rootless user with the given runtime directory, or
// the system paths for root (runtimeDir empty).
func DefaultPaths(rootless bool, runtimeDir string) (graphRoot, runRoot string) {
	if !rootless {
		return "/var/lib/husk/storage", "/run/husk/storage"
	}
	data := os.Getenv("XDG_DATA_HOME")
	if data == "" {
		home := os.Getenv("HOME")
		if home == "" {
			home = "/"
		}
		data = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(data, "husk", "storage"), filepath.Join(runtimeDir, "husk", "storage")
}
