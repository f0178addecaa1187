package userns

import (
	"fmt"
	"os"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/internal/childenv"
)

// Enter runs this command in the user's namespace. The usual way in: a
// per-user pause process (started if needed) holds the namespace, and
// this process executes itself to join it (join.c); it returns only on
// failure. When joining failed even though the pause process was there
// (it died in between, or setns was refused), or no pause process is
// wanted, the command runs in a namespace of its own, and Enter returns
// its exit code.
func Enter(runtimeDir string, opts ReexecOptions) (int, error) {
	if !JoinWasExpected() && os.Getenv(childenv.NoPause) == "" {
		if err := EnsurePause(runtimeDir, opts); err != nil {
			return 0, fmt.Errorf("enter user namespace: %w", err)
		}
		return 0, JoinByExec(runtimeDir)
	}
	if err := JoinError(); err != nil {
		logrus.Debugf("%v; using a private namespace", err)
	}
	opts.Warn = nil // the pause process's creation already warned
	code, err := Reexec(opts)
	if err != nil {
		return 0, fmt.Errorf("enter user namespace: %w", err)
	}
	return code, nil
}
