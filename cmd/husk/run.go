//go:build linux

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/husk-dev/husk/pkg/cgroups"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// runtimeEnv is the host-dependent part of running containers, decided
// here once.
func (a *app) runtimeEnv(store *storage.Store) (runtime.Env, error) {
	stateDir := filepath.Join(store.RunRoot, "husk-runtime")
	rts, err := oci.Select(oci.SelectOptions{Name: a.global.runtime, StateDir: stateDir})
	if err != nil {
		return runtime.Env{}, err
	}
	cg, err := a.cgroupInfo()
	if err != nil {
		return runtime.Env{}, err
	}
	return runtime.Env{
		Cgroups:  &cg,
		Store:    store,
		Runtimes: rts,
		Volumes:  &runtime.VolumeStore{Dir: filepath.Join(store.GraphRoot, "volumes")},
		Rootless: a.state.Rootless,
		SingleID: a.state.Mapping == userns.MappingSingle,
		HostUID:  a.state.UID,
		HostGID:  a.state.GID,
		Notices:  a.stderr,
		StateDir: stateDir,
	}, nil
}

// openEnv opens the store and decides the runtime environment for it; the
// caller closes the store.
func (a *app) openEnv() (*storage.Store, runtime.Env, error) {
	store, err := a.openStore()
	if err != nil {
		return nil, runtime.Env{}, err
	}
	env, err := a.runtimeEnv(store)
	if err != nil {
		store.Close()
		return nil, runtime.Env{}, err
	}
	return store, env, nil
}

// cgroupInfo detects the host's cgroups for this user.
func (a *app) cgroupInfo() (cgroups.Info, error) {
	return cgroups.Detect(a.state.Rootless, int(a.state.UID), a.runtimeDir, cgroups.Manager(a.global.cgroupManager))
}

// ensureImage applies --pull: the image is pulled when missing (or always).
func (a *app) ensureImage(ctx context.Context, store *storage.Store, image, policy string, ro pullopts.RegistryOptions) (string, error) {
	switch policy {
	case "missing", "always", "never":
	default:
		return "", fmt.Errorf("invalid --pull %q: use missing, always or never", policy)
	}
	if _, err := pullopts.ParsePlatform(ro.Platform); err != nil {
		return "", err
	}
	if policy != "always" && !pullopts.HasTransport(image) {
		if img, matched, err := store.Lookup(image); err == nil {
			// A stored image of another platform than --platform asks
			// for is pulled again, as podman does; one named by ID is
			// what the user chose.
			ok, have, err := storedMatches(store, img.ID, ro.Platform)
			if err != nil {
				return "", err
			}
			if ok || matched == "" {
				return image, nil
			}
			if policy == "never" {
				return "", fmt.Errorf("image %q in the store is for %s, not %s, and --pull=never was given: pull it with --platform %s first", image, have, ro.Platform, ro.Platform)
			}
		} else if !errors.Is(err, storage.ErrImageUnknown) || policy == "never" {
			if policy == "never" && errors.Is(err, storage.ErrImageUnknown) {
				return "", fmt.Errorf("image %q is not in the store and --pull=never was given: pull it first", image)
			}
			return "", err
		}
	}
	id, err := a.pullImage(ctx, store, image, ro)
	if err == nil {
		a.warnPlatform(store, id, ro.Platform)
	}
	return id, err
}

func newRunCommand(a *app) *cobra.Command {
	var cf *containerFlags
	cmd := &cobra.Command{
		Use:   "run [flags] IMAGE [COMMAND [ARG...]]",
		Short: "Run a command in a new container, in the foreground",
		Long: `Create a container from IMAGE and run it in the foreground: its output is
husk's output and its exit code is husk's exit code (125 for husk's own
errors, 126 when the command cannot be invoked, 127 when it is not found).
Signals husk receives are forwarded to the container.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := cf.config(args[0], args[1:])
			if err != nil {
				return err
			}
			return a.runContainer(cmd.Context(), cfg, cf, true)
		},
	}
	cf = addContainerFlags(cmd.Flags())
	return cmd
}

func newCreateCommand(a *app) *cobra.Command {
	var cf *containerFlags
	cmd := &cobra.Command{
		Use:   "create [flags] IMAGE [COMMAND [ARG...]]",
		Short: "Create a container without starting it",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := cf.config(args[0], args[1:])
			if err != nil {
				return err
			}
			return a.runContainer(cmd.Context(), cfg, cf, false)
		},
	}
	cf = addContainerFlags(cmd.Flags())
	return cmd
}

// runContainer creates the container and, with start, runs it.
func (a *app) runContainer(ctx context.Context, cfg runtime.Config, cf *containerFlags, start bool) error {
	t0 := time.Now()
	tlog := func(what string) { logrus.Debugf("timing: %s at %v", what, time.Since(t0)) }
	defer tlog("closed")
	store, err := a.openStore()
	tlog("store open")
	if err != nil {
		return err
	}
	defer store.Close()
	ro := cf.registry.options()
	ro.Platform = cf.platform
	id, err := a.ensureImage(ctx, store, cfg.Image, cf.pull, ro)
	if err != nil {
		return err
	}
	shown := cfg.Image
	if pullopts.HasTransport(cfg.Image) {
		cfg.Image = id
	}
	env, err := a.runtimeEnv(store)
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
	c, err := runtime.Create(ctx, env, cfg)
	if err != nil {
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
			return err
		}
		fmt.Fprintln(a.stdout, c.ID)
		return nil
	}
	defer tlog("container done")
	return a.startForeground(ctx, env, c, nil)
}

// startExisting starts a created or stopped container, one start at a
// time: a second start finds it running (which is fine, as in podman).
func (a *app) startExisting(ctx context.Context, env runtime.Env, c *runtime.Container, attach, interactive bool) error {
	lock, err := c.StartLockFile()
	if err != nil {
		return err
	}
	released := false
	release := func() {
		if !released {
			released = true
			lock.Close()
		}
	}
	defer release()
	if err := runtime.Refresh(env, c); err != nil {
		return err
	}
	if err := c.Reload(); err != nil {
		return err
	}
	if c.Alive() {
		fmt.Fprintln(a.stdout, c.Name)
		return nil
	}
	// Started as it was created: its recorded settings (runtime, cgroup
	// manager) stand unless this command gives others.
	if changed, err := a.global.adopt(c.Config.Settings); err != nil {
		return err
	} else if changed {
		if env, err = a.runtimeEnv(env.Store); err != nil {
			return err
		}
	}
	if interactive {
		c.Config.Interactive = true // for this start only
	}
	if !attach {
		if err := a.startDetached(c, lock); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, c.Name)
		return nil
	}
	return a.startForeground(ctx, env, c, release)
}

func (a *app) startForeground(ctx context.Context, env runtime.Env, c *runtime.Container, started func()) error {
	stdio := runtime.Stdio{Stdin: stdinFile(a.stdin), Stdout: a.stdout, Stderr: a.stderr}
	if started != nil {
		stdio.Started = func(int) { started() }
	}
	code, err := runtime.Start(ctx, env, c, stdio)
	switch {
	case errors.Is(err, runtime.ErrCommandNotFound):
		return &exitCodeError{code: exitNotFound, msg: err.Error()}
	case errors.Is(err, runtime.ErrCannotInvoke):
		return &exitCodeError{code: exitCannotRun, msg: err.Error()}
	case err != nil:
		return err
	}
	if code != 0 {
		return &exitCodeError{code: code}
	}
	return nil
}

// stdinFile prefers the process's real stdin file so that the runtime can
// hand it to the container directly.
func stdinFile(r io.Reader) io.Reader {
	if r == nil {
		return os.Stdin
	}
	return r
}

func newStartCommand(a *app) *cobra.Command {
	var attach, interactive bool
	cmd := &cobra.Command{
		Use:   "start [flags] CONTAINER",
		Short: "Start a created or stopped container",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				return a.startExisting(cmd.Context(), env, c, attach, interactive)
			})
		},
	}
	cmd.Flags().BoolVarP(&attach, "attach", "a", false, "attach to the container's output and wait for it")
	cmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "connect stdin")
	return cmd
}

func newRmCommand(a *app) *cobra.Command {
	var force, all bool
	cmd := &cobra.Command{
		Use:   "rm [flags] CONTAINER [CONTAINER...]",
		Short: "Remove containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("give container names or --all")
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			var targets []*runtime.Container
			if all {
				if targets, err = runtime.List(store); err != nil {
					return err
				}
			}
			for _, ref := range args {
				c, err := runtime.Lookup(store, ref)
				if err != nil {
					return err
				}
				targets = append(targets, c)
			}
			for _, c := range targets {
				if err := runtime.Remove(cmd.Context(), env, c, force); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, c.ID)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "kill running containers first")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove all containers")
	return cmd
}

// containerInspect is what husk container inspect prints: the record and
// the generated config.json, the container's full security profile.
type containerInspect struct {
	ID        string          `json:"Id"`
	Name      string          `json:"Name"`
	Image     string          `json:"Image"`
	ImageID   string          `json:"ImageID"`
	Config    runtime.Config  `json:"Config"`
	State     runtime.State   `json:"State"`
	OCIConfig json.RawMessage `json:"OCIConfig,omitempty"`
	Bundle    string          `json:"Bundle"`
}

func newContainerCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "container",
		Short: "Manage containers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	inspect := newInspectCommand(a, "inspect [flags] CONTAINER [CONTAINER...]",
		"Show a container's configuration, state and generated OCI config.json", inspectContainer)
	rm := newRmCommand(a)
	ls := newPsCommand(a)
	ls.Use, ls.Aliases = "ls [flags]", []string{"list", "ps"}
	cmd.AddCommand(inspect, rm, ls, newRunCommand(a), newCreateCommand(a), newStartCommand(a),
		newStopCommand(a), newKillCommand(a), newWaitCommand(a), newRestartCommand(a), newLogsCommand(a),
		newExecCommand(a), newRenameCommand(a), newContainerPruneCommand(a), newCpCommand(a), newTopCommand(a),
		newAttachCommand(a))
	return cmd
}

func inspectContainer(_ context.Context, store *storage.Store, ref string) (any, error) {
	c, err := runtime.Lookup(store, ref)
	if err != nil {
		return nil, err
	}
	ci := containerInspect{ID: c.ID, Name: c.Name, Image: c.Config.Image, ImageID: c.Config.ImageID, Config: c.Config, State: c.State, Bundle: c.Dir}
	if b, err := os.ReadFile(c.BundleSpec()); err == nil {
		ci.OCIConfig = b
	}
	return ci, nil
}

// newTopInspectCommand is "husk inspect": a container if one has the
// name, else an image, as podman does.
func newTopInspectCommand(a *app) *cobra.Command {
	return newInspectCommand(a, "inspect [flags] CONTAINER|IMAGE [...]",
		"Show containers or images as JSON (containers first, as podman does)",
		func(ctx context.Context, store *storage.Store, ref string) (any, error) {
			v, err := inspectContainer(ctx, store, ref)
			if err == nil || !errors.Is(err, runtime.ErrContainerUnknown) {
				return v, err
			}
			img, ierr := store.InspectImage(ctx, ref)
			if ierr != nil {
				return nil, fmt.Errorf("no container or image %q", ref)
			}
			return img, nil
		})
}
