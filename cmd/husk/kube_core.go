//go:build linux && husk_core

package main

import "context"

// runKubePlay: the Kubernetes API types live in the helper (kube_full.go).
func (a *app) runKubePlay(context.Context, string, kubeOptions) error { return a.handOff() }
