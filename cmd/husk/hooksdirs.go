//go:build linux

package main

import (
	"os"
	"path/filepath"

	"github.com/husk-dev/husk/pkg/hooks"
)

// hooksDirs are the directories of OCI hook files: --hooks-dir, else the
// defaults for this user.
func (a *app) hooksDirs() []string {
	if len(a.global.hooksDirs) > 0 {
		return a.global.hooksDirs // made absolute (absStorePaths)
	}
	configHome := os.Getenv("XDG_CONFIG_HOME")
	if configHome == "" {
		if home, err := os.UserHomeDir(); err == nil {
			configHome = filepath.Join(home, ".config")
		}
	}
	return hooks.DefaultDirs(a.state.Rootless, configHome)
}
