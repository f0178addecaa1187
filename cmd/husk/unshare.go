//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/internal/childenv"
	"github.com/husk-dev/husk/pkg/userns"
)

// annUnshare marks commands that a rootless user must run inside husk
// unshare (what they print is only usable there), as podman does.
const annUnshare = "husk.io/unshare"

func newUnshareCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "unshare [COMMAND [ARG...]]",
		Short: "Run a command (a shell by default) in husk's user and mount namespace",
		Long: `Run COMMAND, or $SHELL (else /bin/sh), inside husk's user and mount
namespace: as root in it, mapped to you on the host, seeing the mounts husk
mount makes and able to use the store's files. The exit code is COMMAND's.
CONTAINERS_GRAPHROOT and CONTAINERS_RUNROOT name the store. As root,
husk needs no namespace and the command simply runs.`,
		Example: `  husk unshare
  husk unshare cat /proc/self/uid_map
  husk unshare sh -c 'ls "$(husk mount web)"'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				sh := os.Getenv("SHELL")
				if sh == "" {
					sh = "/bin/sh"
				}
				args = []string{sh}
			}
			path, err := exec.LookPath(args[0])
			if err != nil {
				return &exitCodeError{code: exitNotFound, msg: fmt.Sprintf("unshare: %v", err)}
			}
			opts := a.storeOptions()
			env := childenv.Unshare(os.Environ(), opts.GraphRoot, opts.RunRoot)
			err = syscall.Exec(path, args, env)
			return &exitCodeError{code: exitCannotRun, msg: fmt.Sprintf("unshare: run %s: %v", args[0], err)}
		},
	}
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// checkUnshare refuses, as podman does, a command marked annUnshare that
// a rootless user runs outside husk unshare: its output (mount paths)
// would mean nothing in the user's own mount namespace. Listing the
// mounts with no argument and no flag is allowed.
func checkUnshare(cmd *cobra.Command, args []string) error {
	if cmd.Annotations[annUnshare] != "true" {
		return nil
	}
	changed := false
	cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) { changed = changed || f.Changed })
	if len(args) == 0 && !changed {
		return nil
	}
	if st := userns.Current(); !st.Rootless || (st.Inside && !userns.JoinedAtStart()) {
		return nil
	}
	return fmt.Errorf("cannot run command %q in rootless mode, must execute `husk unshare` first", cmd.CommandPath())
}
