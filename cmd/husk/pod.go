//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/idfile"
	"github.com/husk-dev/husk/internal/labels"
	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/pod"
	"github.com/husk-dev/husk/pkg/runtime"
)

func newPodCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pod",
		Short: "Manage pods: containers that share namespaces (network, ipc, uts) and start and stop together",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newPodCreateCommand(a), newPodPsCommand(a), newPodInspectCommand(a), newPodExistsCommand(a),
		newPodStartCommand(a), newPodStopCommand(a), newPodRestartCommand(a), newPodKillCommand(a),
		newPodPauseCommand(a), newPodUnpauseCommand(a), newPodRmCommand(a), newPodPruneCommand(a),
		newPodTopCommand(a), newPodStatsCommand(a), newPodLogsCommand(a))
	return cmd
}

func newPodCreateCommand(a *app) *cobra.Command {
	var (
		o          pod.CreateOptions
		n          ctropts.Network
		lbls       []string
		labelFiles []string
		infra      bool
		noInfra    bool
		infraImage string
		idFile     string
	)
	cmd := &cobra.Command{
		Use:   "create [flags]",
		Short: "Create a pod (with its infra container, which holds the namespaces its containers share)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if infraImage != "" {
				return fmt.Errorf("--infra-image %q: husk's infra container needs no image (it runs catatonit -P from the host): leave the flag out", infraImage)
			}
			var err error
			if o.Labels, err = labels.Parse(lbls, labelFiles); err != nil {
				return err
			}
			if o.Net, err = n.Config(); err != nil {
				return withFlagNames(err)
			}
			if noInfra && cmd.Flags().Changed("infra") && infra {
				return fmt.Errorf("--no-infra and --infra=true contradict each other: give one")
			}
			o.NoInfra, o.CreateCommand, o.Settings, o.Given = !infra || noInfra, os.Args, a.global.recorded(), flagsGiven(cmd.Flags())
			var reserved *idfile.File
			if idFile != "" {
				if reserved, err = pod.ReserveIDFile(idFile); err != nil {
					return withFlagNames(err)
				}
			}
			p, err := a.createPod(cmd.Context(), o)
			if err == nil {
				err = reserved.Write(p.ID)
			}
			if err != nil {
				reserved.Abandon()
				return withFlagNames(err)
			}
			fmt.Fprintln(a.stdout, p.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Name, "name", "n", "", "name of the pod (default: a generated one)")
	f.StringVar(&o.Hostname, "hostname", "", "host name of the pod's shared uts namespace (default: the pod's name)")
	f.StringVar(&o.Share, "share", "", "namespaces the pod's containers share: some of cgroup, ipc, net, pid, uts, or none; +pid adds to the default (default ipc,net,uts)")
	f.BoolVar(&infra, "infra", true, "make an infra container to hold the shared namespaces (--infra=false: none; the pod then shares nothing, or, with --share, its first container holds them)")
	f.BoolVar(&noInfra, "no-infra", false, "the same as --infra=false")
	f.StringVar(&infraImage, "infra-image", "", "refused: husk's infra container needs no image")
	f.BoolVar(&o.Replace, "replace", false, "remove a pod of the same name first, with its containers")
	stringArrayVarP(f, &lbls, "label", "l", nil, "set a label on the pod: KEY=VALUE")
	stringArrayVar(f, &labelFiles, "label-file", nil, "read labels from a file (KEY=VALUE lines)")
	f.StringVar(&n.Mode, "network", "", "the pod's network, as run's --network (its containers share it)")
	stringArrayVarP(f, &n.Publish, "publish", "p", nil, "publish a port of the pod: [HOSTIP:][HOSTPORT:]CTRPORT[/tcp|/udp]")
	stringArrayVar(f, &n.DNS, "dns", nil, "DNS server for the pod's /etc/resolv.conf")
	stringArrayVar(f, &n.DNSSearch, "dns-search", nil, "DNS search domain")
	stringArrayVar(f, &n.DNSOptions, "dns-option", nil, "resolv.conf option, e.g. ndots:2")
	stringArrayVar(f, &n.AddHosts, "add-host", nil, "add NAME:IP to the pod's /etc/hosts")
	f.StringVar(&idFile, "pod-id-file", "", "write the pod's ID to this file (which must not exist)")
	return cmd
}

// createPod makes the pod o describes.
func (a *app) createPod(ctx context.Context, o pod.CreateOptions) (*pod.Pod, error) {
	store, env, err := a.openEnv()
	if err != nil {
		return nil, err
	}
	defer store.Close()
	return pod.Create(ctx, env, o)
}

// podStarter starts a pod's container detached, quietly.
func (a *app) podStarter() pod.StartFunc {
	return func(ctx context.Context, env runtime.Env, c *runtime.Container) error {
		return a.startExisting(ctx, env, c, false, false, "", allStreams)
	}
}

// ensurePodInfra starts the infra container of c's pod before c starts.
func (a *app) ensurePodInfra(ctx context.Context, env runtime.Env, c *runtime.Container) error {
	if c.Config.Pod == "" || c.Config.Infra || c.Config.Holder {
		return nil
	}
	p, err := pod.Lookup(env.Store, c.Config.Pod)
	if err != nil {
		return fmt.Errorf("container %s: its pod: %w", c.Name, err)
	}
	return pod.EnsureInfra(ctx, env, p, a.podStarter())
}

// joinPod makes cfg a container of the pod run --pod names (new:NAME
// makes it first, with the container's published ports and network);
// with start, the pod's infra container is started for it.
func (a *app) joinPod(ctx context.Context, env runtime.Env, cfg *runtime.Config, cf *containerFlags, start bool) error {
	ref := cf.pod
	name, isNew := strings.CutPrefix(ref, "new:")
	var p *pod.Pod
	var err error
	if isNew {
		o := pod.CreateOptions{Name: name, Net: cfg.Net, Settings: a.global.recorded(), CreateCommand: os.Args}
		cfg.Net = netns.Config{} // the pod's now
		if p, err = pod.Create(ctx, env, o); err != nil {
			return withFlagNames(err)
		}
	} else if p, err = pod.Lookup(env.Store, ref); err != nil {
		return withFlagNames(err)
	}
	holder := ""
	if h, err := pod.Holder(env, p); err != nil {
		return err
	} else if h != nil {
		holder = h.ID
	}
	if err := pod.Join(p, cfg, flagsGiven(cf.fs), holder); err != nil {
		return withFlagNames(err)
	}
	if !start {
		return nil
	}
	return pod.EnsureInfra(ctx, env, p, a.podStarter())
}

// podNotFoundIs1 is err with exit code 1 when it is a missing pod.
func podNotFoundIs1(err error) error {
	if errors.Is(err, pod.ErrPodUnknown) {
		return &exitCodeError{code: 1, msg: message(err)}
	}
	return err
}
