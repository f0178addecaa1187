//go:build linux

package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newExecCommand(a *app) *cobra.Command {
	var (
		o             runtime.ExecOptions
		r             runtime.ExecRequest
		env, envFiles []string
	)
	cmd := &cobra.Command{
		Use:   "exec [flags] CONTAINER COMMAND [ARG...]",
		Short: "Run a command in a running container",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctr, command, err := r.Split(args)
			if err != nil {
				return err
			}
			if o.Env, err = ctropts.ExecEnv(envFiles, env, os.LookupEnv); err != nil {
				return err
			}
			o.Args = command
			stdio := runtime.Stdio{Stdin: stdinFile(a.stdin), Stdout: a.stdout, Stderr: a.stderr}
			if r.PreserveFDs > 0 {
				if stdio.ExtraFiles, err = runtime.InheritedFiles(r.PreserveFDs); err != nil {
					return err
				}
			}
			var code int
			err = a.withSelection(r.Selection(ctr), func(renv runtime.Env, t runtime.Target) error {
				var err error
				code, err = runtime.Exec(cmd.Context(), renv, t.C, o, stdio)
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
	f.StringArrayVar(&envFiles, "env-file", nil, "read environment variables from a file (NAME=VALUE lines; -e wins)")
	f.StringVarP(&o.User, "user", "u", "", "run as name|uid[:group|gid]")
	f.StringVarP(&o.Workdir, "workdir", "w", "", "working directory")
	f.BoolVar(&o.Privileged, "privileged", false, "give the process every capability the container's user namespace allows (the container's seccomp filter stays)")
	f.BoolVarP(&r.Latest, "latest", "l", false, "run in the container created last (every argument is the command)")
	f.UintVar(&r.PreserveFDs, "preserve-fds", 0, "pass husk's descriptors 3 to 3+N-1 to the process")
	f.StringVar(&r.DetachKeys, "detach-keys", "", "keys that detach from the process's terminal: only \"\" (none) — husk cannot detach an exec; use -d")
	return cmd
}
