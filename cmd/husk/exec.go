//go:build linux

package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newExecCommand(a *app) *cobra.Command {
	var o runtime.ExecOptions
	var env []string
	cmd := &cobra.Command{
		Use:   "exec [flags] CONTAINER COMMAND [ARG...]",
		Short: "Run a command in a running container",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			vars, err := ctropts.Env(env, os.LookupEnv)
			if err != nil {
				return err
			}
			o.Env = vars
			o.Args = args[1:]
			var code int
			err = a.withContainers(args[:1], func(renv runtime.Env, c *runtime.Container) error {
				var err error
				code, err = runtime.Exec(cmd.Context(), renv, c, o, runtime.Stdio{Stdin: stdinFile(a.stdin), Stdout: a.stdout, Stderr: a.stderr})
				return err
			})
			return containerExit(code, err)
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.BoolVarP(&o.Interactive, "interactive", "i", false, "connect stdin")
	f.BoolVarP(&o.TTY, "tty", "t", false, "allocate a pseudo-terminal")
	f.BoolVarP(&o.Detach, "detach", "d", false, "run the command in the background")
	f.StringArrayVarP(&env, "env", "e", nil, "set an environment variable")
	f.StringVarP(&o.User, "user", "u", "", "run as name|uid[:group|gid]")
	f.StringVarP(&o.Workdir, "workdir", "w", "", "working directory")
	return cmd
}
