//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

// version is set by the Makefile.
var version = "0.1.0-dev"

// annotation keys on commands.
const (
	// annNoNamespace marks commands that never need the user namespace
	// (they touch no store).
	annNoNamespace = "husk.io/no-namespace"
)

// app holds what every command needs; commands get it from their closure.
type app struct {
	global globalOptions
	state  userns.State
	// runtimeDir is the user's run directory ($XDG_RUNTIME_DIR, or
	// husk's private fallback) as setup decided it.
	runtimeDir string
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	// root is the root command, whose persistent flags a hand-off to the
	// transfer helper passes on.
	root *cobra.Command
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	ctx, stop := stopContext()
	defer stop()
	// A bug must not show the user a Go stack trace: one line and 125, the
	// stack in the debug log (--log-level=debug).
	defer func() {
		if v := recover(); v != nil {
			code = internalError(v, debug.Stack(), stderr)
		}
	}()
	_, cmd := newAppFor(args, stdin, stdout, stderr)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return exitCode(err, stderr)
}

// internalError reports a recovered panic: one line for the user, the
// stack at debug level.
func internalError(v any, stack []byte, stderr io.Writer) int {
	fmt.Fprintf(stderr, "husk: internal error, please report it with the output of --log-level=debug: %v\n", v)
	logrus.Debugf("panic: %v\n%s", v, stack)
	return exitHusk
}

func newRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	_, root := newApp(stdin, stdout, stderr)
	return root
}

// newApp builds the root command, with every command, and the app its
// commands share.
func newApp(stdin io.Reader, stdout, stderr io.Writer) (*app, *cobra.Command) {
	return newAppFor(nil, stdin, stdout, stderr)
}

// newAppFor builds the root command for the command line args: with only
// the command they name where that is clear (commands.go).
func newAppFor(args []string, stdin io.Reader, stdout, stderr io.Writer) (*app, *cobra.Command) {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "husk",
		Short:         "Rootless, daemonless containers",
		Long:          "husk pulls OCI images into a per-user store and runs them without root and without a daemon.",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := checkUnshare(cmd, args); err != nil {
				return err
			}
			if interruptibleWaits(cmd) {
				runtime.InterruptWaits(cmd.Context().Done())
			}
			return a.setup(cmd)
		},
	}
	a.root = root
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("husk version {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitCodeError{code: exitHusk, msg: fmt.Sprintf("%v\nSee '%s --help'.", err, c.CommandPath())}
	})
	a.global.register(root.PersistentFlags())

	addCommands(root, a.commandTable(root), args)
	return a, root
}

// setup runs before every command: logging, then the user namespace. A
// rootless command that needs the store is re-executed inside the
// namespace, and this process only relays the child's exit code.
func (a *app) setup(cmd *cobra.Command) error {
	lvl, err := logrus.ParseLevel(a.global.logLevel)
	if err != nil {
		return fmt.Errorf("invalid --log-level %q: use trace, debug, info, warn (or warning), error, fatal or panic", a.global.logLevel)
	}
	logrus.SetLevel(lvl)
	logrus.SetOutput(a.stderr)
	logrus.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true})
	warnCallerSkew()
	switch a.global.eventsBackend {
	case "file", "none":
	case "journald":
		return fmt.Errorf("--events-backend journald: husk records events in a file of its store, not in the journal; use file or none")
	default:
		return fmt.Errorf("invalid --events-backend %q: use file or none", a.global.eventsBackend)
	}
	if err := a.global.absStorePaths(); err != nil {
		return err
	}
	if _, err := storage.ParseDriver(a.global.storageDriver); err != nil {
		return err
	}
	a.state = userns.Current()
	// Inside the namespace, join.c (or the re-execution) set it to what
	// the first process decided below.
	a.runtimeDir = os.Getenv("XDG_RUNTIME_DIR")
	if needsNoNamespace(cmd) || a.state.Inside {
		return nil
	}
	dir, notice, err := userns.RuntimeDir(a.state.UID)
	if err != nil {
		return err
	}
	a.runtimeDir = dir
	if notice != "" {
		fmt.Fprintf(a.stderr, "husk: warning: %s\n", notice)
	}
	opts := userns.ReexecOptions{Warn: a.stderr, Env: []string{"XDG_RUNTIME_DIR=" + dir}, PauseArgs: a.globalArgs()}
	// If the pause process was killed while containers run, their monitors
	// still hold its namespaces: a new pause process adopts them.
	opts.Adopt = func() []userns.Adoptee {
		monitors, inits, keepID := runtime.Reachable(a.storeOptions().GraphRoot)
		var out []userns.Adoptee
		for _, p := range monitors {
			out = append(out, userns.Adoptee{Pid: p, Kind: userns.AdoptMonitor})
		}
		for _, p := range inits {
			out = append(out, userns.Adoptee{Pid: p, Kind: userns.AdoptInit})
		}
		for _, p := range keepID {
			out = append(out, userns.Adoptee{Pid: p, Kind: userns.AdoptInitParent})
		}
		return out
	}
	code, err := userns.Enter(dir, opts)
	if err != nil {
		return err
	}
	return &exitCodeError{code: code}
}

// globalArgs are the global settings for a husk process this command
// starts (see globalOptions).
func (a *app) globalArgs() []string { return a.global.args() }

func needsNoNamespace(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[annNoNamespace] == "true" {
			return true
		}
	}
	switch cmd.Name() {
	case "help", "completion", "__complete", "__completeNoDesc":
		return true
	}
	return false
}

var noNamespace = map[string]string{annNoNamespace: "true"}
