//go:build linux && husk_core

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/manifest/manifestopts"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// runManifest: manifest lists live in the helper (manifest_full.go); the
// flags were checked here.
func (a *app) runManifest(*cobra.Command, manifestopts.Request, pullopts.RegistryOptions) error {
	return a.handOff()
}
