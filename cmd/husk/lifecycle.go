//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// monitorArgv is how a monitor for container id is executed: husk with the
// same global settings.
func (a *app) monitorArgv(id string) []string {
	return append(a.globalArgs(), monitorCommand, id)
}

const monitorCommand = "__monitor"

// startDetached hands the container to a monitor and returns once it runs.
// startLock is the container's start lock if the caller holds it (nil:
// taken here); the monitor shares it until the container runs.
func (a *app) startDetached(c *runtime.Container, startLock *os.File) error {
	if startLock == nil {
		f, err := c.StartLockFile()
		if err != nil {
			return err
		}
		defer f.Close()
		startLock = f
	}
	err := runtime.SpawnMonitor(c, a.monitorArgv(c.ID), startLock)
	var se *runtime.StartError
	if errors.As(err, &se) {
		return &exitCodeError{code: se.Code, msg: se.Msg}
	}
	return err
}

func newMonitorCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    monitorCommand + " ID",
		Short:  "Run as the monitor of a detached container (internal)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				env.Notices = nil
				if c.Config.Remove {
					// The monitor mounts, runs and removes a volatile
					// container, and writes nothing else to the store:
					// fsync off for the whole (monitor) process.
					storage.NoFsyncForRestOfProcess()
				}
				// Stop signals are the container's business.
				return runtime.Monitor(context.Background(), env, c)
			})
		},
	}
}

// withContainers opens the store and runs fn for each named container.
func (a *app) withContainers(names []string, fn func(runtime.Env, *runtime.Container) error) error {
	store, env, err := a.openEnv()
	if err != nil {
		return err
	}
	defer store.Close()
	var firstErr error
	for _, n := range names {
		c, err := runtime.Lookup(store, n)
		if err == nil {
			err = fn(env, c)
		}
		if err != nil {
			if len(names) == 1 {
				return err
			}
			fmt.Fprintf(a.stderr, "husk: %v\n", err)
			if firstErr == nil {
				firstErr = &exitCodeError{code: exitHusk}
			}
		}
	}
	return firstErr
}

func newStopCommand(a *app) *cobra.Command {
	var timeout int
	cmd := &cobra.Command{
		Use:   "stop [flags] CONTAINER [CONTAINER...]",
		Short: "Stop containers: the image's stop signal, then SIGKILL after the timeout",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if err := runtime.Stop(cmd.Context(), env, c, time.Duration(timeout)*time.Second); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.Name)
				return nil
			})
		},
	}
	cmd.Flags().IntVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container")
	return cmd
}

func newKillCommand(a *app) *cobra.Command {
	var signal string
	cmd := &cobra.Command{
		Use:   "kill [flags] CONTAINER [CONTAINER...]",
		Short: "Send a signal to containers (SIGKILL by default)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sig, err := runtime.ParseSignal(signal)
			if err != nil {
				return err
			}
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if err := runtime.Kill(env, c, sig); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.Name)
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&signal, "signal", "s", "KILL", "signal to send")
	return cmd
}

func newWaitCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "wait CONTAINER [CONTAINER...]",
		Short: "Wait for containers to stop and print their exit codes",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				code, err := runtime.WaitExit(cmd.Context(), env, c)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, code)
				return nil
			})
		},
	}
}

func newRestartCommand(a *app) *cobra.Command {
	var timeout int
	cmd := &cobra.Command{
		Use:   "restart [flags] CONTAINER [CONTAINER...]",
		Short: "Stop and start containers again (detached)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if err := runtime.Stop(cmd.Context(), env, c, time.Duration(timeout)*time.Second); err != nil {
					return err
				}
				if err := c.Reload(); err != nil {
					return err
				}
				return a.startExisting(cmd.Context(), env, c, false, false)
			})
		},
	}
	cmd.Flags().IntVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container")
	return cmd
}

// psRow is one line of husk ps; its fields are what --format sees.
type psRow struct {
	ID, Image, Command, Created, Status, Names string
	State                                      string
	ExitCode                                   int
	Pid                                        int
	CreatedAt                                  time.Time
}

func newPsCommand(a *app) *cobra.Command {
	var all, quiet, noTrunc bool
	var format string
	var filters []string
	cmd := &cobra.Command{
		Use:     "ps [flags]",
		Aliases: []string{"ls", "list"},
		Short:   "List containers (running ones unless --all)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := newFormatter(format)
			if err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			cs, err := runtime.List(store)
			if err != nil {
				return err
			}
			var rows []psRow
			for _, c := range cs {
				if err := runtime.Refresh(env, c); errors.Is(err, runtime.ErrContainerUnknown) {
					continue // an interrupted --rm run, removed now
				} else if err != nil {
					fmt.Fprintf(a.stderr, "husk: warning: %v\n", err)
				}
				if !all && c.State.Status != runtime.StatusRunning {
					continue
				}
				ok, err := psMatch(c, filters)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				rows = append(rows, makePsRow(c, noTrunc))
			}
			switch {
			case quiet:
				for _, r := range rows {
					fmt.Fprintln(a.stdout, r.ID)
				}
				return nil
			case format == "json":
				if rows == nil {
					rows = []psRow{}
				}
				return writeJSON(a.stdout, rows)
			case fm.tmpl != nil:
				var items []any
				for _, r := range rows {
					items = append(items, r)
				}
				return fm.renderTemplate(a.stdout, items)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 8, 3, ' ', 0)
			fmt.Fprintln(tw, "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tNAMES")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Image, r.Command, r.Created, r.Status, r.Names)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "show all containers, not only running ones")
	f.BoolVarP(&quiet, "quiet", "q", false, "print only container IDs")
	f.BoolVar(&noTrunc, "no-trunc", false, "do not truncate IDs and commands")
	f.StringVar(&format, "format", "", "json or a Go template (e.g. '{{.Names}} {{.Status}}')")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter: name=NAME, status=created|running|exited, ancestor=IMAGE, id=ID")
	return cmd
}

func makePsRow(c *runtime.Container, noTrunc bool) psRow {
	id := c.ID
	if !noTrunc {
		id = id[:12]
	}
	command := strings.Join(append(entrypointOf(c), c.Config.Command...), " ")
	if !noTrunc && len(command) > 20 {
		command = command[:17] + "..."
	}
	status := "Created"
	switch c.State.Status {
	case runtime.StatusRunning:
		status = "Up " + strings.TrimSuffix(since(c.State.StartedAt), " ago")
		if c.State.Paused {
			status += " (Paused)"
		}
	case runtime.StatusExited:
		status = fmt.Sprintf("Exited (%d) %s", c.State.ExitCode, since(c.State.FinishedAt))
	}
	state := string(c.State.Status)
	if c.State.Paused && c.State.Status == runtime.StatusRunning {
		state = "paused"
	}
	return psRow{ID: id, Image: c.Config.Image, Command: command, Created: since(c.State.CreatedAt), Status: status,
		Names: c.Name, State: state, ExitCode: c.State.ExitCode, Pid: c.State.Pid, CreatedAt: c.State.CreatedAt}
}

func entrypointOf(c *runtime.Container) []string {
	if c.Config.Entrypoint != nil {
		return *c.Config.Entrypoint
	}
	return nil
}

func psMatch(c *runtime.Container, filters []string) (bool, error) {
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return false, fmt.Errorf("invalid filter %q: expected KEY=VALUE", f)
		}
		switch k {
		case "name":
			if !strings.Contains(c.Name, v) {
				return false, nil
			}
		case "id":
			if !strings.HasPrefix(c.ID, v) {
				return false, nil
			}
		case "status":
			if string(c.State.Status) != v {
				return false, nil
			}
		case "ancestor":
			if c.Config.Image != v && !strings.HasPrefix(c.Config.ImageID, v) && !strings.HasSuffix(c.Config.Image, "/"+v) &&
				!strings.HasSuffix(c.Config.Image, "/"+v+":latest") {
				return false, nil
			}
		default:
			return false, fmt.Errorf("unknown filter %q: use name=, id=, status= or ancestor=", k)
		}
	}
	return true, nil
}

func newLogsCommand(a *app) *cobra.Command {
	var follow, timestamps bool
	var tail int
	var sinceArg string
	cmd := &cobra.Command{
		Use:   "logs [flags] CONTAINER",
		Short: "Show a detached container's output",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var sinceT time.Time
			if sinceArg != "" {
				if d, err := time.ParseDuration(sinceArg); err == nil {
					sinceT = time.Now().Add(-d)
				} else if t, err := time.Parse(time.RFC3339, sinceArg); err == nil {
					sinceT = t
				} else {
					return fmt.Errorf("invalid --since %q: use a duration (10m) or an RFC 3339 time", sinceArg)
				}
			}
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				return returnOnStop(cmd.Context(), func() error {
					return runtime.FollowLog(cmd.Context(), env, c, runtime.LogOptions{
						Follow: follow, Tail: tail, Since: sinceT, Timestamps: timestamps,
						Stdout: a.stdout, Stderr: a.stderr,
					})
				})
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&follow, "follow", "f", false, "keep printing new output until the container stops")
	f.BoolVarP(&timestamps, "timestamps", "t", false, "prefix each line with its time")
	f.IntVar(&tail, "tail", -1, "print only the last N lines")
	f.StringVar(&sinceArg, "since", "", "only output since a time (RFC 3339) or for a duration (e.g. 10m)")
	return cmd
}

// logsStopGrace is how long logs may take to stop after SIGINT or
// SIGTERM. FollowLog stops at its next read, but a write to a pipe whose
// reader stopped reading blocks; past the grace the command returns and
// the process exits with the write pending.
const logsStopGrace = time.Second

// returnOnStop runs fn and returns its error, or nil when ctx was
// cancelled and fn has not returned within logsStopGrace.
func returnOnStop(ctx context.Context, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	select {
	case err := <-done:
		return err
	case <-time.After(logsStopGrace):
		return nil
	}
}

func newExecCommand(a *app) *cobra.Command {
	var o runtime.ExecOptions
	var env []string
	cmd := &cobra.Command{
		Use:   "exec [flags] CONTAINER COMMAND [ARG...]",
		Short: "Run a command in a running container",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			vars, err := parseEnvFlags(env, os.LookupEnv)
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
			switch {
			case errors.Is(err, runtime.ErrCommandNotFound):
				return &exitCodeError{code: exitNotFound, msg: err.Error()}
			case errors.Is(err, runtime.ErrCannotInvoke):
				return &exitCodeError{code: exitCannotRun, msg: err.Error()}
			case err != nil:
				return err
			case code != 0:
				return &exitCodeError{code: code}
			}
			return nil
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

func newRenameCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rename CONTAINER NEW-NAME",
		Short: "Rename a container",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args[:1], func(env runtime.Env, c *runtime.Container) error {
				return runtime.Rename(env, c, args[1])
			})
		},
	}
}

func newContainerPruneCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove all stopped containers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			cs, err := runtime.List(store)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if err := runtime.Refresh(env, c); errors.Is(err, runtime.ErrContainerUnknown) {
					continue
				} else if err != nil {
					return err
				}
				if c.State.Status == runtime.StatusRunning {
					continue
				}
				if err := runtime.Remove(cmd.Context(), env, c, false); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.ID)
			}
			return nil
		},
	}
	cmd.Flags().BoolP("force", "f", false, "do not ask for confirmation (husk never asks)")
	return cmd
}

func newCpCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "cp [flags] SRC DST",
		Short: "Copy files between a container and the host (CONTAINER:PATH on one side)",
		Long: `Copy files or directories between the host and a container, running or
not. One of SRC and DST is CONTAINER:PATH. A directory source goes inside an
existing destination directory, or becomes the destination; SRC/. copies a
directory's contents.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			srcCtr, srcPath, srcIn := splitCopyArg(args[0])
			dstCtr, dstPath, dstIn := splitCopyArg(args[1])
			if srcIn == dstIn {
				return fmt.Errorf("exactly one of SRC and DST must be CONTAINER:PATH")
			}
			name, dir, src, dst := dstCtr, runtime.CopyIn, args[0], dstPath
			if srcIn {
				name, dir, src, dst = srcCtr, runtime.CopyOut, srcPath, args[1]
			}
			return a.withContainers([]string{name}, func(env runtime.Env, c *runtime.Container) error {
				return runtime.Copy(env, c, dir, src, dst)
			})
		},
	}
}

// splitCopyArg splits CONTAINER:PATH; a path (starting with / or .) is a
// host path even if it contains a colon.
func splitCopyArg(s string) (string, string, bool) {
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") {
		return "", s, false
	}
	name, path, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return "", s, false
	}
	return name, path, true
}

func newTopCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "top CONTAINER",
		Short: "Show the processes of a running container",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				procs, err := runtime.Top(cmd.Context(), env, c)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 8, 3, ' ', 0)
				fmt.Fprintln(tw, "PID\tUID\tSTATE\tCOMMAND")
				for _, p := range procs {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", p.Pid, p.UID, p.State, p.Command)
				}
				return tw.Flush()
			})
		},
	}
}

func newAttachCommand(a *app) *cobra.Command {
	var noStdin bool
	cmd := &cobra.Command{
		Use:   "attach [flags] CONTAINER",
		Short: "Attach to a running container: its output from now on, your input if it was started with -i",
		Long: `Print what a running detached container writes from now on, until it
exits, then exit with its exit code. If the container was started with -i,
what you type (or pipe) goes to its stdin.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var code int
			err := a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				if err := runtime.Refresh(env, c); err != nil {
					return err
				}
				if !c.Alive() {
					return fmt.Errorf("%w: %s", runtime.ErrNotRunning, c.Name)
				}
				// Input goes only once the output is being followed, so no
				// answer is missed.
				var following func()
				if c.State.AttachSocket != "" && !noStdin {
					conn, err := net.Dial("unix", c.State.AttachSocket)
					if err != nil {
						return fmt.Errorf("attach to the stdin of %s: %w", c.Name, err)
					}
					defer conn.Close()
					following = func() {
						go func() { _, _ = io.Copy(conn, stdinFile(a.stdin)) }()
					}
				}
				if err := runtime.FollowLog(cmd.Context(), env, c, runtime.LogOptions{Follow: true, Tail: 0, Stdout: a.stdout, Stderr: a.stderr, Following: following}); err != nil {
					return err
				}
				var err error
				code, err = runtime.WaitExit(cmd.Context(), env, c)
				return err
			})
			if err != nil {
				return err
			}
			if code != 0 {
				return &exitCodeError{code: code}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noStdin, "no-stdin", false, "do not forward input")
	return cmd
}
