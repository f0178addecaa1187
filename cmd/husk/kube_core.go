//go:build linux && husk_core

package main

import "context"

// runKubePlay: the Kubernetes API types live in the helper (kube_full.go).
func (a *app) runKubePlay(context.Context, string, kubeOptions) error { return a.handOff() }

func (a *app) runKubeGenerate(context.Context, []string, kubeGenerateOptions) error {
	return a.handOff()
}
