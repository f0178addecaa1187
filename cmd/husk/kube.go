//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// kubeOptions are kube play's and kube down's flags.
type kubeOptions struct {
	replace    bool
	down       bool
	network    string
	configMaps []string
	// build: nil builds missing images that have a directory, true all
	// of those, false none.
	build *bool
}

// newKubeCommand is "husk kube play|down"; the work is in pkg/kube, run
// by the helper (kube_full.go), which links the Kubernetes API types.
func newKubeCommand(a *app) *cobra.Command {
	kube := &cobra.Command{
		Use:   "kube",
		Short: "Play Kubernetes YAML: pods, deployments and jobs as husk pods",
		Args:  cobra.NoArgs,
	}
	kube.AddCommand(newKubePlayCommand(a, "play"), newKubeDownCommand(a), newKubeGenerateCommand(a))
	return kube
}

// newPlayCommand is podman's older spelling, "husk play kube".
func newPlayCommand(a *app) *cobra.Command {
	play := &cobra.Command{
		Use:   "play",
		Short: "Play Kubernetes YAML (the same as husk kube play)",
		Args:  cobra.NoArgs,
	}
	play.AddCommand(newKubePlayCommand(a, "kube"))
	return play
}

func newKubePlayCommand(a *app, use string) *cobra.Command {
	var (
		o     kubeOptions
		build bool
	)
	cmd := &cobra.Command{
		Use:         use + " [flags] FILE|-",
		Short:       "Create pods, containers, secrets and volumes from Kubernetes YAML",
		Args:        cobra.ExactArgs(1),
		Annotations: noNamespace, // it runs husk for each step
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("build") {
				o.build = &build
			}
			return a.runKubePlay(cmd.Context(), args[0], o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&build, "build", false, "build each image that ./NAME/Containerfile (or Dockerfile) describes, NAME the image's name (default: only the missing ones; --build=false: none)")
	f.BoolVar(&o.replace, "replace", false, "remove the pods the YAML makes first, if they exist")
	f.BoolVar(&o.down, "down", false, "remove what the YAML made (as husk kube down)")
	f.StringVar(&o.network, "network", "", "network of every pod (default: husk's default network)")
	stringArrayVar(f, &o.configMaps, "configmap", nil, "a YAML file of ConfigMaps the pods refer to (repeatable)")
	return cmd
}

func newKubeDownCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:         "down FILE|-",
		Short:       "Remove the pods, containers, secrets and volumes Kubernetes YAML made (claims' volumes stay)",
		Args:        cobra.ExactArgs(1),
		Annotations: noNamespace,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runKubePlay(cmd.Context(), args[0], kubeOptions{down: true})
		},
	}
}

// kubeGenerateOptions are kube generate's flags.
type kubeGenerateOptions struct {
	service bool
	file    string
	kind    string
}

func newKubeGenerateCommand(a *app) *cobra.Command {
	var o kubeGenerateOptions
	cmd := &cobra.Command{
		Use:         "generate [flags] CONTAINER|POD...",
		Short:       "Write Kubernetes YAML for pods and containers (kube play makes them again)",
		Args:        cobra.MinimumNArgs(1),
		Annotations: noNamespace, // it reads through husk's inspect commands
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.kind != "pod" && o.kind != "deployment" {
				return fmt.Errorf("--type %q: use pod or deployment", o.kind)
			}
			return a.runKubeGenerate(cmd.Context(), args, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.service, "service", "s", false, "add a Service (NodePort) for the published ports")
	f.StringVarP(&o.file, "filename", "f", "", "write the YAML to this file instead of stdout")
	f.StringVarP(&o.kind, "type", "t", "pod", "what to generate: pod or deployment")
	return cmd
}
