//go:build linux

package main

import (
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/detachkeys"
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
		Long: `Run COMMAND in the running CONTAINER: its output is husk's output and
its exit code is husk's exit code. With -t -i the detach sequence
(--detach-keys, ctrl-p,ctrl-q by default) leaves the command running, its
terminal read and dropped, and ends exec with exit code 0.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctr, command, err := r.Split(args)
			if err != nil {
				return err
			}
			if o.Env, err = ctropts.ExecEnv(envFiles, env, os.LookupEnv); err != nil {
				return err
			}
			o.Args = command
			r.DetachKeysGiven = cmd.Flags().Changed("detach-keys")
			if o.DetachKeys, err = r.Keys(o); err != nil {
				return err
			}
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
			if errors.Is(err, detachkeys.ErrDetached) {
				return nil // the process goes on (podman 4.3.1's 255 is a bug)
			}
			return containerExit(code, err)
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.BoolVarP(&o.Interactive, "interactive", "i", false, "connect stdin")
	f.BoolVarP(&o.TTY, "tty", "t", false, "allocate a pseudo-terminal")
	f.BoolVarP(&o.Detach, "detach", "d", false, "run the command in the background")
	stringArrayVarP(f, &env, "env", "e", nil, "set an environment variable")
	stringArrayVar(f, &envFiles, "env-file", nil, "read environment variables from a file (NAME=VALUE lines; -e wins)")
	f.StringVarP(&o.User, "user", "u", "", "run as name|uid[:group|gid]")
	f.StringVarP(&o.Workdir, "workdir", "w", "", "working directory")
	f.BoolVar(&o.Privileged, "privileged", false, "give the process every capability the container's user namespace allows (the container's seccomp filter stays)")
	f.BoolVarP(&r.Latest, "latest", "l", false, "run in the container created last (every argument is the command)")
	f.UintVar(&r.PreserveFDs, "preserve-fds", 0, "pass husk's descriptors 3 to 3+N-1 to the process")
	f.StringVar(&r.DetachKeys, "detach-keys", detachkeys.Default, "the keys that detach from the process's terminal (-t -i), leaving it running: comma-separated, each a character or ctrl-X (X one of a-z @ [ \\ ] ^ _); \"\" for none")
	return cmd
}

// newExecDrainCommand is the drainer a detached exec leaves behind
// (runtime.ExecDrain): it reads the process's terminal, descriptor 3.
func newExecDrainCommand() *cobra.Command {
	return &cobra.Command{
		Use:         runtime.ExecDrainCommand,
		Short:       "Read and drop a detached exec'd process's terminal until it closes (internal)",
		Hidden:      true,
		Args:        cobra.NoArgs,
		Annotations: noNamespace,
		RunE: func(*cobra.Command, []string) error {
			return runtime.ExecDrain(os.NewFile(3, "terminal"))
		},
	}
}
