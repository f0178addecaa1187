//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/pod"
	"github.com/husk-dev/husk/pkg/runtime"
)

// podSelection are the pods a pod command acts on: named (also by
// --pod-id-file, where the command has it), or all.
type podSelection struct {
	all     bool
	idFiles []string
}

// addIDFiles gives a pod command --pod-id-file, as podman's pod start,
// stop and rm have it.
func (s *podSelection) addIDFiles(cmd *cobra.Command) {
	stringArrayVar(cmd.Flags(), &s.idFiles, "pod-id-file", nil, cmd.Name()+" the pod whose ID this file holds (pod create --pod-id-file; repeatable)")
}

// podIDFileRefs are the pod IDs the files hold; with ignore, files that
// do not exist are skipped.
func podIDFileRefs(files []string, ignore bool) ([]string, error) {
	var refs []string
	for _, f := range files {
		id, err := pod.ReadIDFile(f, ignore)
		if errors.Is(err, pod.ErrPodUnknown) {
			continue
		} else if err != nil {
			return nil, err
		}
		refs = append(refs, id)
	}
	return refs, nil
}

// withPods runs fn for each pod refs name (or every pod with all), after
// looking them all up; it prints each pod's ID once fn succeeded, as
// podman does. Failures are reported on stderr, the last one returned.
func (a *app) withPods(ctx context.Context, refs []string, sel podSelection, fn func(runtime.Env, *pod.Pod) error) error {
	if sel.all == (len(refs)+len(sel.idFiles) > 0) {
		return fmt.Errorf("give pod names or IDs (or --pod-id-file), or --all alone")
	}
	ids, err := podIDFileRefs(sel.idFiles, false)
	if err != nil {
		return withFlagNames(err)
	}
	refs = append(refs, ids...)
	store, env, err := a.openEnv()
	if err != nil {
		return err
	}
	defer store.Close()
	var pods []*pod.Pod
	if sel.all {
		if pods, err = pod.List(store); err != nil {
			return err
		}
	}
	for _, ref := range refs {
		p, err := pod.Lookup(store, ref)
		if err != nil {
			return err
		}
		pods = append(pods, p)
	}
	var last error
	for _, p := range pods {
		if last != nil {
			fmt.Fprintf(a.stderr, "husk: %s\n", message(last))
		}
		if last = fn(env, p); last == nil {
			fmt.Fprintln(a.stdout, p.ID)
		}
	}
	return withFlagNames(last)
}

// newPodVerbCommand is a pod command that runs fn on each pod named.
func newPodVerbCommand(a *app, use, short string, fn func(ctx context.Context, env runtime.Env, p *pod.Pod) error) (*cobra.Command, *podSelection) {
	sel := &podSelection{}
	cmd := &cobra.Command{
		Use:   use + " [flags] POD [POD...]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withPods(cmd.Context(), args, *sel, func(env runtime.Env, p *pod.Pod) error { return fn(cmd.Context(), env, p) })
		},
	}
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, use+" all pods")
	return cmd, sel
}

func newPodStartCommand(a *app) *cobra.Command {
	cmd, sel := newPodVerbCommand(a, "start", "Start pods: the infra container, then the others", func(ctx context.Context, env runtime.Env, p *pod.Pod) error {
		return pod.Start(ctx, env, p, a.podStarter())
	})
	sel.addIDFiles(cmd)
	return cmd
}

func newPodStopCommand(a *app) *cobra.Command {
	var timeout int
	var cmd *cobra.Command
	var sel *podSelection
	cmd, sel = newPodVerbCommand(a, "stop", "Stop pods: their containers, then the infra container", func(ctx context.Context, env runtime.Env, p *pod.Pod) error {
		var o pod.StopOptions
		if cmd.Flags().Changed("time") {
			t := time.Duration(timeout) * time.Second
			o.Timeout = &t
		}
		return pod.Stop(ctx, env, p, o)
	})
	cmd.Flags().IntVarP(&timeout, "time", "t", 10, "seconds each container gets to stop before it is killed (default: its --stop-timeout, else 10)")
	sel.addIDFiles(cmd)
	return cmd
}

func newPodRestartCommand(a *app) *cobra.Command {
	cmd, _ := newPodVerbCommand(a, "restart", "Stop pods and start them again", func(ctx context.Context, env runtime.Env, p *pod.Pod) error {
		return pod.Restart(ctx, env, p, a.podStarter())
	})
	return cmd
}

func newPodKillCommand(a *app) *cobra.Command {
	var signal string
	cmd, _ := newPodVerbCommand(a, "kill", "Send a signal to the running containers of pods (SIGKILL by default)", func(_ context.Context, env runtime.Env, p *pod.Pod) error {
		sig, err := runtime.ParseSignal(signal)
		if err != nil {
			return err
		}
		return pod.Kill(env, p, sig)
	})
	cmd.Flags().StringVarP(&signal, "signal", "s", "KILL", "signal to send")
	return cmd
}

func newPodPauseCommand(a *app) *cobra.Command {
	cmd, _ := newPodVerbCommand(a, "pause", "Freeze the running containers of pods (cgroup freezer)", func(_ context.Context, env runtime.Env, p *pod.Pod) error {
		return pod.Pause(env, p)
	})
	return cmd
}

func newPodUnpauseCommand(a *app) *cobra.Command {
	cmd, _ := newPodVerbCommand(a, "unpause", "Thaw the paused containers of pods", func(_ context.Context, env runtime.Env, p *pod.Pod) error {
		return pod.Unpause(env, p)
	})
	return cmd
}

func newPodRmCommand(a *app) *cobra.Command {
	var (
		o       pod.RemoveOptions
		timeout int
		ignore  bool
		cmd     *cobra.Command
	)
	cmd, sel := newPodVerbCommand(a, "rm", "Remove pods with their containers", func(ctx context.Context, env runtime.Env, p *pod.Pod) error {
		ro := o
		if cmd.Flags().Changed("time") {
			t := time.Duration(timeout) * time.Second
			ro.Timeout = &t
		}
		return pod.Remove(ctx, env, p, ro)
	})
	run := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		// The files' pods join the names (with --ignore, a file that
		// does not exist names none).
		files := sel.idFiles
		defer func() { sel.idFiles = files }()
		ids, err := podIDFileRefs(files, ignore)
		if err != nil {
			return withFlagNames(err)
		}
		args, sel.idFiles = append(args, ids...), nil
		if ignore && !sel.all {
			args = a.existingPods(args)
			if len(args) == 0 {
				return nil
			}
		}
		return podNotFoundIs1(run(cmd, args))
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Force, "force", "f", false, "remove running pods too (their containers killed at once, or stopped first with --time)")
	f.BoolVarP(&ignore, "ignore", "i", false, "skip names that are not pods")
	f.IntVarP(&timeout, "time", "t", 0, "with --force, seconds each container gets to stop before it is killed")
	sel.addIDFiles(cmd)
	return cmd
}

// existingPods are the refs that name pods.
func (a *app) existingPods(refs []string) []string {
	store, err := a.openStore()
	if err != nil {
		return refs
	}
	defer store.Close()
	var out []string
	for _, r := range refs {
		if _, err := pod.Lookup(store, r); err == nil {
			out = append(out, r)
		}
	}
	return out
}

func newPodPruneCommand(a *app) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove the exited pods (all their containers stopped), with their containers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				if ok, err := confirmedOn(a.stdin, a.stdout, "WARNING! This will remove all stopped/exited pods..\n"); !ok || err != nil {
					return err
				}
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			ids, err := pod.Prune(cmd.Context(), env)
			for _, id := range ids {
				fmt.Fprintln(a.stdout, id)
			}
			return withFlagNames(err)
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask first")
	return cmd
}
