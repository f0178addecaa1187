//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/husk-dev/husk/internal/childenv"
	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/pull/ensure"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

func newRunCommand(a *app) *cobra.Command {
	var (
		cf *containerFlags
		pf *runtime.PidFiles
	)
	cmd := &cobra.Command{
		Use:   "run [flags] IMAGE [COMMAND [ARG...]]",
		Short: "Run a command in a new container, in the foreground",
		Long: `Create a container from IMAGE and run it in the foreground: its output is
husk's output and its exit code is husk's exit code (125 for husk's own
errors, 126 when the command cannot be invoked, 127 when it is not found).
Signals husk receives are forwarded to the container. With -t -i the
detach sequence (--detach-keys, ctrl-p,ctrl-q by default) leaves the
container running in the background and ends run with exit code 0;
husk attach takes it up again.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := cf.config(args[0], args[1:])
			if err != nil {
				return err
			}
			if cfg.PidFiles, err = pf.Abs(); err != nil {
				return err
			}
			return a.runContainer(cmd.Context(), cfg, cf, true)
		},
	}
	cf = addContainerFlags(cmd.Flags())
	pf = addPidFileFlags(cmd.Flags())
	return cmd
}

func newCreateCommand(a *app) *cobra.Command {
	var (
		cf *containerFlags
		pf *runtime.PidFiles
	)
	cmd := &cobra.Command{
		Use:   "create [flags] IMAGE [COMMAND [ARG...]]",
		Short: "Create a container without starting it",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := cf.config(args[0], args[1:])
			if err != nil {
				return err
			}
			if cfg.PidFiles, err = pf.Abs(); err != nil {
				return err
			}
			return a.runContainer(cmd.Context(), cfg, cf, false)
		},
	}
	cf = addContainerFlags(cmd.Flags())
	pf = addPidFileFlags(cmd.Flags())
	return cmd
}

// runContainer creates the container and, with start, runs it.
func (a *app) runContainer(ctx context.Context, cfg runtime.Config, cf *containerFlags, start bool) error {
	t0 := time.Now()
	tlog := func(what string) { logrus.Debugf("timing: %s at %v", what, time.Since(t0)) }
	defer tlog("closed")
	fio, err := cf.run.foregroundIO(&cfg, start && !cf.detach)
	if err != nil {
		return err
	}
	if err := ctropts.CheckRestartForeground(cfg, start && !cf.detach); err != nil {
		return withFlagNames(err)
	}
	a.warnNoTerminal(cfg, start)
	idFile, err := cf.run.reserveIDFile()
	if err != nil {
		return err
	}
	defer idFile.abandon()
	early, base := a.startEarly(cfg, cf, fio, start)
	defer func() { early.Close() }()
	store, err := a.openStore()
	tlog("store open")
	if err != nil {
		return err
	}
	defer store.Close()
	early = early.In(store.ContainersDir())
	shown, err := a.runImage(ctx, store, &cfg, cf)
	if err != nil {
		return err
	}
	env, err := a.storeEnv(base, store)
	if err != nil {
		return err
	}
	tlog("image ready")
	if start && !cf.detach && cfg.Remove {
		// From here this process only creates, runs and removes a
		// volatile container: fsync off for the whole process.
		storage.NoFsyncForRestOfProcess()
	}
	cfg.Settings = a.global.recorded()
	if err := a.beforeCreate(ctx, env, &cfg, cf, start); err != nil {
		return err
	}
	c, err := runtime.CreateEarly(ctx, env, cfg, early)
	if err != nil {
		return withFlagNames(err)
	}
	fio.early = early
	if err := idFile.write(c.ID); err != nil {
		_ = runtime.Remove(context.Background(), env, c, true)
		return err
	}
	tlog("container created")
	c.Config.Image = shown
	if !start {
		if err := runtime.Prepare(ctx, env, c); err != nil {
			_ = runtime.Remove(context.Background(), env, c, true)
			return err
		}
		if err := c.Save(); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, c.ID)
		return nil
	}
	if cf.detach {
		if err := a.startDetached(c, nil); err != nil {
			return runStartError(err)
		}
		fmt.Fprintln(a.stdout, c.ID)
		return nil
	}
	defer tlog("container done")
	return runStartError(a.startForeground(ctx, env, c, nil, nil, fio))
}

// beforeCreate joins the container's pod (--pod) and removes the one it
// replaces (--replace).
func (a *app) beforeCreate(ctx context.Context, env runtime.Env, cfg *runtime.Config, cf *containerFlags, start bool) error {
	if cf.pod != "" {
		if err := a.joinPod(ctx, env, cfg, cf, start); err != nil {
			return err
		}
	}
	if cf.run.replace {
		if err := runtime.RemoveNamed(ctx, env, cfg.Name); err != nil {
			return withFlagNames(err)
		}
	}
	return nil
}

// startEarly starts the runtime of a foreground run before its
// container exists (runtime.Early); nil when it cannot be. The runtime
// environment it decided, without the store, is returned for storeEnv.
func (a *app) startEarly(cfg runtime.Config, cf *containerFlags, fio foregroundIO, start bool) (*runtime.Early, *runtime.Env) {
	if _, off := os.LookupEnv(childenv.NoEarlyRuntime); off || !start || cf.detach || cf.pod != "" || len(fio.files) > 0 {
		return nil, nil
	}
	opts := a.storeOptions()
	dir, ok := storage.ContainersDir(opts)
	if !ok {
		return nil, nil
	}
	env, err := a.runtimeEnvAt(opts.RunRoot)
	if err != nil {
		return nil, nil
	}
	return runtime.StartEarly(env, cfg, dir), &env
}

// storeEnv is runtimeEnv(store), completing base when startEarly
// decided it for the store's run root.
func (a *app) storeEnv(base *runtime.Env, store *storage.Store) (runtime.Env, error) {
	if base == nil || base.StateDir != filepath.Join(store.RunRoot, "husk-runtime") {
		return a.runtimeEnv(store)
	}
	env := *base
	env.Store, env.Volumes = store, a.volumeStore(store)
	return env, nil
}

// runStartError is run's error when the container it created cannot
// start: a published port that is taken or privileged ends run with 126,
// as podman's run does (its start failures are "cannot invoke"); start
// and create keep 125 for it, as podman's do.
func runStartError(err error) error {
	if errors.Is(err, netns.ErrPortInUse) || errors.Is(err, netns.ErrPrivilegedPort) {
		return &exitCodeError{code: exitCannotRun, msg: message(err)}
	}
	return err
}

// warnNoTerminal is podman's warning for run -ti without a terminal on
// stdin: the run goes on, with a terminal fed from a file or pipe.
func (a *app) warnNoTerminal(cfg runtime.Config, start bool) {
	if start && cfg.TTY && cfg.Interactive && !isTerminal(a.stdin) {
		logrus.Warn("The input device is not a TTY. The --tty and --interactive flags might not work properly")
	}
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// runImage makes sure the container's image is in the store (pulled as
// --pull says; none with --rootfs) and returns the name to show for it.
func (a *app) runImage(ctx context.Context, store *storage.Store, cfg *runtime.Config, cf *containerFlags) (string, error) {
	if cfg.Rootfs != "" {
		return "", nil
	}
	ro := cf.registry.options()
	ro.Platform = cf.platform
	id, err := ensure.Image(ctx, store, cfg.Image, ensure.Options{Policy: cf.pull, Platform: cf.platform, Warn: a.stderr,
		Pull: func(ctx context.Context, image string) (string, error) {
			return a.pullImage(ctx, store, image, ro, cf.run.quiet)
		}})
	if err != nil {
		return "", err
	}
	shown := cfg.Image
	if pullopts.HasTransport(cfg.Image) {
		cfg.Image = id
	}
	return shown, nil
}
