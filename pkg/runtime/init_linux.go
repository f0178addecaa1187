package runtime

import (
	"os"
	"os/exec"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/husk-dev/husk/internal/setting"
)

// InitDest is where the init binary is bound in the container, podman's
// path.
const InitDest = "/run/podman-init"

// initCandidates are where an init is looked for, podman's first.
var initCandidates = []string{"/usr/libexec/podman/catatonit", "catatonit", "tini", "tini-static"}

// resolveInit records the path of the init an --init container runs.
func resolveInit(cfg *Config) error {
	if !cfg.Init {
		return nil
	}
	p, err := findInit(cfg.InitPath)
	cfg.InitPath = p
	return err
}

// findInit is the init binary: given (--init-path), else the first of
// initCandidates found.
func findInit(given string) (string, error) {
	if given != "" {
		abs, err := filepath.Abs(given)
		if err != nil {
			return "", setting.Errorf("{init-path} %q: %w", given, err)
		}
		if fi, err := os.Stat(abs); err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return "", setting.Errorf("{init-path} %q: not an executable file: give the path of catatonit or tini", given)
		}
		return abs, nil
	}
	for _, c := range initCandidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", setting.Errorf("{init}: no init binary found (catatonit or tini): install one (apt-get install catatonit) or give its path with {init-path}")
}

// addInit binds the init read-only at InitDest and makes it the
// process, with the command after "--" (catatonit's and tini's way, as
// podman runs them): it forwards signals to the command and reaps the
// orphans the container's processes leave.
func addInit(c *Container, s *specs.Spec) error {
	if !c.Config.Init {
		return nil
	}
	if _, err := os.Stat(c.Config.InitPath); err != nil {
		return setting.Errorf("init %q: %w: install it again, or make the container again with {init-path}", c.Config.InitPath, err)
	}
	s.Mounts = append(s.Mounts, specs.Mount{Destination: InitDest, Type: "bind", Source: c.Config.InitPath,
		Options: []string{"rbind", "ro", "nosuid", "nodev", "rprivate"}})
	s.Process.Args = append([]string{InitDest, "--"}, s.Process.Args...)
	return nil
}
