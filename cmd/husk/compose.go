//go:build linux

package main

import (
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// newComposeCommand is "husk compose": its flags are checked here, and
// the helper, which links the compose parser, carries it out
// (compose_full.go).
func newComposeCommand(a *app) *cobra.Command {
	var proj composeopts.Project
	cmd := &cobra.Command{
		Use:         "compose",
		Short:       "Run applications of several containers from compose files (docker compose's format)",
		Annotations: noNamespace, // the husk commands it runs enter it
	}
	// compose's own flags come before its subcommand, as docker compose
	// has them: local, so that logs -f can follow (the root traverses).
	pf := cmd.Flags()
	stringArrayVarP(pf, &proj.Files, "file", "f", nil, "compose file (repeatable: merged in order; default compose.yaml, docker-compose.yml, … here or above)")
	pf.StringVarP(&proj.Name, "project-name", "p", "", "project name (default: name: in the files, $COMPOSE_PROJECT_NAME, or the project directory's name)")
	stringArrayVar(pf, &proj.Profiles, "profile", nil, "enable the services of this profile (repeatable)")
	stringArrayVar(pf, &proj.EnvFiles, "env-file", nil, "file of variables for interpolation (repeatable; default: the project directory's .env)")
	pf.StringVar(&proj.WorkDir, "project-directory", "", "directory relative paths start from (default: the first file's)")
	sub := func(verb, use, short string, args cobra.PositionalArgs, flags func(*pflag.FlagSet, *composeopts.Request), fill func(*composeopts.Request, []string)) *cobra.Command {
		var r composeopts.Request
		c := &cobra.Command{Use: use, Short: short, Args: args}
		if flags != nil {
			flags(c.Flags(), &r)
		}
		// exec's and run's flags end at the service: the rest is the
		// command's.
		c.Flags().SetInterspersed(verb != "exec" && verb != "run")
		c.RunE = func(cmd *cobra.Command, args []string) error {
			r.Project, r.Verb = proj, verb
			if fill != nil {
				fill(&r, args)
			}
			return a.runCompose(cmd, r)
		}
		return c
	}
	services := func(r *composeopts.Request, args []string) { r.Services = args }
	cmd.AddCommand(
		sub("up", "up [flags] [SERVICE...]", "Create and start the services (and their dependencies)", nil, composeUpFlags,
			func(r *composeopts.Request, args []string) {
				r.Up.Services = args
				r.Up.Detach = r.Up.Detach || r.Up.Wait
			}),
		sub("down", "down [flags]", "Stop and remove the project's containers and networks (and volumes with -v)", cobra.NoArgs,
			func(f *pflag.FlagSet, r *composeopts.Request) {
				f.BoolVarP(&r.Down.Volumes, "volumes", "v", false, "remove the project's named volumes too")
				f.BoolVar(&r.Down.RemoveOrphans, "remove-orphans", false, "remove containers of services not in the files")
				f.IntVarP(&r.Down.Timeout, "timeout", "t", -1, "seconds a container gets to stop before it is killed (default: its stop timeout)")
			}, nil),
		sub("ps", "ps [flags] [SERVICE...]", "List the project's containers", nil,
			func(f *pflag.FlagSet, r *composeopts.Request) {
				f.BoolVarP(&r.Ps.All, "all", "a", false, "show stopped containers too")
				f.BoolVarP(&r.Ps.Quiet, "quiet", "q", false, "print only container names")
				f.BoolVar(&r.Ps.ServicesOnly, "services", false, "print the services' names")
			}, func(r *composeopts.Request, args []string) { r.Ps.Services = args }),
		sub("logs", "logs [flags] [SERVICE...]", "Print the services' output", nil, composeLogsFlags,
			func(r *composeopts.Request, args []string) { r.Logs.Services = args }),
		sub("exec", "exec [flags] SERVICE COMMAND [ARG...]", "Run a command in a service's running container", cobra.MinimumNArgs(2), composeExecFlags,
			func(r *composeopts.Request, args []string) {
				r.Exec.Service, r.Exec.Command = args[0], args[1:]
				r.Exec.Interactive = !r.Exec.Detach
				r.Exec.TTY = r.Exec.TTY && !r.Exec.Detach && term.IsTerminal(int(os.Stdin.Fd()))
			}),
		sub("run", "run [flags] SERVICE [COMMAND [ARG...]]", "Run a one-off container of a service", cobra.MinimumNArgs(1), composeRunFlags,
			func(r *composeopts.Request, args []string) {
				r.Run.Service, r.Run.Command = args[0], args[1:]
				r.Run.Interactive = !r.Run.Detach
				r.Run.TTY = r.Run.TTY && !r.Run.Detach && term.IsTerminal(int(os.Stdin.Fd()))
			}),
		sub("pull", "pull [SERVICE...]", "Pull the services' images", nil, nil, services),
		sub("build", "build [SERVICE...]", "Build the images of the services with build: (husk build)", nil, nil, services),
		sub("config", "config [flags]", "Print the project as loaded: merged, interpolated, with defaults", cobra.NoArgs,
			func(f *pflag.FlagSet, r *composeopts.Request) {
				f.StringVar(&r.Format, "format", "yaml", "yaml or json")
			}, nil),
		sub("stop", "stop [flags] [SERVICE...]", "Stop the services' containers", nil, composeTimeoutFlag, lifecycleServices),
		sub("start", "start [SERVICE...]", "Start the services' stopped containers", nil, nil, lifecycleServices),
		sub("restart", "restart [flags] [SERVICE...]", "Restart the services' containers", nil, composeTimeoutFlag, lifecycleServices),
	)
	return cmd
}

func composeUpFlags(f *pflag.FlagSet, r *composeopts.Request) {
	f.BoolVarP(&r.Up.Detach, "detach", "d", false, "run in the background (default: follow the logs; Ctrl-C stops the containers)")
	f.BoolVar(&r.Up.Wait, "wait", false, "wait until the services run (healthy when they have a healthcheck); implies -d")
	f.DurationVar(&r.Up.WaitTimeout, "wait-timeout", 0, "give up --wait after this long (e.g. 60s; default: no limit)")
	f.BoolVar(&r.Up.Build, "build", false, "build the images of services with build: first")
	f.BoolVar(&r.Up.ForceRecreate, "force-recreate", false, "recreate containers even when their configuration is unchanged")
	f.BoolVar(&r.Up.NoDeps, "no-deps", false, "do not start the services' dependencies")
	f.BoolVar(&r.Up.RemoveOrphans, "remove-orphans", false, "remove containers of services not in the files")
	f.BoolVar(&r.Up.AbortOnExit, "abort-on-container-exit", false, "stop every container once one stops, and exit with its exit code (foreground only)")
	f.StringVar(&r.Up.ExitCodeFrom, "exit-code-from", "", "exit with the exit code of this service's container; implies --abort-on-container-exit")
}

func composeLogsFlags(f *pflag.FlagSet, r *composeopts.Request) {
	f.BoolVarP(&r.Logs.Follow, "follow", "f", false, "keep printing new output until the containers stop")
	f.BoolVarP(&r.Logs.Timestamps, "timestamps", "t", false, "prefix each line with its time")
	f.IntVar(&r.Logs.Tail, "tail", -1, "print only the last N lines of each container (default: all)")
	f.BoolVar(&r.Logs.NoPrefix, "no-log-prefix", false, "do not start lines with the container's name")
}

func composeExecFlags(f *pflag.FlagSet, r *composeopts.Request) {
	f.BoolP("no-TTY", "T", false, "do not allocate a pseudo-terminal (default: one when stdin is a terminal)")
	f.BoolVarP(&r.Exec.Detach, "detach", "d", false, "run the command in the background")
	stringArrayVarP(f, &r.Exec.Env, "env", "e", nil, "set an environment variable NAME=VALUE")
	f.StringVarP(&r.Exec.User, "user", "u", "", "run as name|uid[:group|gid]")
	f.StringVarP(&r.Exec.WorkDir, "workdir", "w", "", "working directory")
	f.IntVar(&r.Exec.Index, "index", 1, "which container of the service (its number)")
	f.BoolVar(&r.Exec.Privileged, "privileged", false, "give the process every capability the container's user namespace allows")
	r.Exec.TTY = true
	ttyFromFlag(f, &r.Exec.TTY)
}

func composeRunFlags(f *pflag.FlagSet, r *composeopts.Request) {
	f.BoolVar(&r.Run.Remove, "rm", false, "remove the container when it exits")
	f.BoolVarP(&r.Run.Detach, "detach", "d", false, "run in the background and print the container ID")
	stringArrayVarP(f, &r.Run.Env, "env", "e", nil, "set an environment variable NAME=VALUE")
	f.StringVarP(&r.Run.User, "user", "u", "", "run as name|uid[:group|gid]")
	f.StringVarP(&r.Run.WorkDir, "workdir", "w", "", "working directory")
	f.StringVar(&r.Run.Name, "name", "", "name of the container (default: PROJECT-SERVICE-run-RANDOM)")
	f.BoolVar(&r.Run.NoDeps, "no-deps", false, "do not start the service's dependencies")
	stringArrayVarP(f, &r.Run.Publish, "publish", "p", nil, "publish a port (the service's ports are not published)")
	stringArrayVarP(f, &r.Run.Volumes, "volume", "v", nil, "bind mount or named volume, as husk run -v")
	f.Func("entrypoint", "replace the image's and the service's entrypoint", func(s string) error {
		r.Run.Entrypoint = &s
		return nil
	})
	f.BoolP("no-TTY", "T", false, "do not allocate a pseudo-terminal (default: one when stdin is a terminal)")
	r.Run.TTY = true
	ttyFromFlag(f, &r.Run.TTY)
}

// ttyFromFlag turns -T off the pseudo-terminal: it is parsed before
// RunE, which reads tty.
func ttyFromFlag(f *pflag.FlagSet, tty *bool) {
	fl := f.Lookup("no-TTY")
	fl.Value = &notFlag{target: tty}
	fl.NoOptDefVal = "true"
}

// notFlag is a bool flag that sets its target to the opposite.
type notFlag struct{ target *bool }

func (n *notFlag) String() string { return strconv.FormatBool(!*n.target) }
func (n *notFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	*n.target = !v
	return err
}
func (n *notFlag) Type() string { return "bool" }

func composeTimeoutFlag(f *pflag.FlagSet, r *composeopts.Request) {
	f.IntVarP(&r.Lifecycle.Timeout, "timeout", "t", -1, "seconds a container gets to stop before it is killed (default: its stop timeout)")
}

func lifecycleServices(r *composeopts.Request, args []string) {
	r.Lifecycle.Services = args
}
