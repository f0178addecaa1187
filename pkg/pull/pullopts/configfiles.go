package pullopts

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/internal/userfile"
)

// containers/image reads auth files and registries.conf whole, without a
// limit, and opens whatever it finds under their names: a named pipe there
// hangs the command, /dev/zero behind a symbolic link fills the memory.
// husk looks first.

// ErrNotRegular is returned for a device, pipe, socket or directory where
// a regular file is expected (the same error as every other file husk
// reads on a user's word).
var ErrNotRegular = userfile.ErrNotRegular

// ErrFileTooLarge is returned for a file over its size limit.
var ErrFileTooLarge = userfile.ErrTooLarge

// MaxAuthFileSize is the largest auth file husk lets containers/image
// read: one holds a few hundred bytes a registry.
const MaxAuthFileSize = 1 << 20

// MaxRegistriesConfSize is the largest registries.conf husk lets
// containers/image read.
const MaxRegistriesConfSize = 1 << 20

// RegularFile checks that path is (or links to) a regular file of at most
// max bytes (max < 0: any size); what names it in errors.
func RegularFile(what, path string, max int64) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return fi, CheckRegular(what, path, fi, max)
}

// CheckRegular is RegularFile for a file already looked at.
func CheckRegular(what, path string, fi fs.FileInfo, max int64) error {
	if max < 0 {
		max = math.MaxInt64
	}
	if err := userfile.Check(path, fi, max); err != nil {
		return fmt.Errorf("%s %w", what, err)
	}
	return nil
}

// SizeName is n bytes as said in errors.
func SizeName(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// CheckConfigFiles checks the auth files and registries.conf that
// containers/image will read for sys: those that exist must be regular
// files of a sane size.
func CheckConfigFiles(sys *types.SystemContext) error {
	for _, p := range AuthFileCandidates(sys) {
		if fi, err := os.Stat(p); err == nil {
			if err := CheckRegular("auth file", p, fi, MaxAuthFileSize); err != nil {
				return err
			}
		}
	}
	for _, p := range RegistriesConfCandidates(sys) {
		if fi, err := os.Stat(p); err == nil {
			if err := CheckRegular("registries.conf", p, fi, MaxRegistriesConfSize); err != nil {
				return err
			}
		}
	}
	return nil
}

// AuthFileCandidates lists the auth files containers/image reads for sys,
// in its order: the one given, else $XDG_RUNTIME_DIR/containers/auth.json,
// $XDG_CONFIG_HOME/containers/auth.json, $DOCKER_CONFIG/config.json or
// ~/.docker/config.json, and ~/.dockercfg.
func AuthFileCandidates(sys *types.SystemContext) []string {
	if sys != nil && sys.AuthFilePath != "" {
		return []string{sys.AuthFilePath}
	}
	home, _ := os.UserHomeDir()
	var out []string
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		out = append(out, filepath.Join(d, "containers", "auth.json"))
	} else {
		out = append(out, fmt.Sprintf("/run/containers/%d/auth.json", os.Getuid()))
	}
	cfg := os.Getenv("XDG_CONFIG_HOME")
	if cfg == "" && home != "" {
		cfg = filepath.Join(home, ".config")
	}
	if cfg != "" {
		out = append(out, filepath.Join(cfg, "containers", "auth.json"))
	}
	if d := os.Getenv("DOCKER_CONFIG"); d != "" {
		out = append(out, filepath.Join(d, "config.json"))
	} else if home != "" {
		out = append(out, filepath.Join(home, ".docker", "config.json"))
	}
	if home != "" {
		out = append(out, filepath.Join(home, ".dockercfg"))
	}
	return out
}

// RegistriesConfCandidates lists the registries.conf files a user names for
// sys: the one given (--registries-conf or $CONTAINERS_REGISTRIES_CONF),
// else the user's own in $XDG_CONFIG_HOME/containers.
func RegistriesConfCandidates(sys *types.SystemContext) []string {
	if sys != nil && sys.SystemRegistriesConfPath != "" {
		return []string{sys.SystemRegistriesConfPath}
	}
	if p := os.Getenv("CONTAINERS_REGISTRIES_CONF"); p != "" {
		return []string{p}
	}
	cfg := os.Getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil
		}
		cfg = filepath.Join(home, ".config")
	}
	return []string{filepath.Join(cfg, "containers", "registries.conf")}
}
