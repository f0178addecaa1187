//go:build linux

package slimexec

// extern const char *const husk_slim_jobs[];
// static const char *husk_slim_job(int i) { return husk_slim_jobs[i]; }
import "C"

import (
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/husk-dev/husk/internal/childenv"
)

const (
	// Env names the slim binary for the constructor in slimexec.c.
	Env = childenv.SlimReexec
	// Name is the slim binary's file name; it lies beside the helper.
	Name = "husk-reexec"
)

// Jobs returns the argv[0]s that the constructor hands to the slim binary.
func Jobs() []string {
	var jobs []string
	for i := 0; ; i++ {
		p := C.husk_slim_job(C.int(i))
		if p == nil {
			return jobs
		}
		jobs = append(jobs, C.GoString(p))
	}
}

// Enable looks for the slim binary beside the running program and, if it
// was built from the same sources, sets Env: the jobs this process starts
// from then on run in it. It returns the slim binary's path, or an error
// saying why the jobs keep running in this program (which is not a
// failure: they are only slower).
func Enable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the running program: %w", err)
	}
	path := filepath.Join(filepath.Dir(exe), Name)
	if err := Matches(path); err != nil {
		return "", err
	}
	if err := os.Setenv(Env, path); err != nil {
		return "", fmt.Errorf("set %s: %w", Env, err)
	}
	return path, nil
}

// Matches reports whether the program at path is cmd/husk-reexec built
// with the running program's Go toolchain, from the same revision of the
// same main module, with the same version of every module it links.
func Matches(path string) error {
	self, ok := debug.ReadBuildInfo()
	if !ok {
		return errors.New("the running program has no build information")
	}
	other, err := buildinfo.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read the build information of %s: %w", path, err)
	}
	if want := self.Main.Path + "/cmd/" + Name; other.Path != want {
		return fmt.Errorf("%s is not %s's job runner: it is the program %s, not %s", path, Name, other.Path, want)
	}
	if err := sameBuild(self, other); err != nil {
		return fmt.Errorf("%s does not belong to this build (install it from the same build as %s): %w", path, filepath.Base(os.Args[0]), err)
	}
	return nil
}
