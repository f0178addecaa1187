//go:build linux && (husk_core || husk_transfer)

package main

import "context"

// runKubePlay: the Kubernetes API types live in the compose helper
// (kube_full.go), neither in the command nor in the transfer helper.
func (a *app) runKubePlay(context.Context, string, kubeOptions) error { return a.handOffCompose() }

func (a *app) runKubeGenerate(context.Context, []string, kubeGenerateOptions) error {
	return a.handOffCompose()
}
