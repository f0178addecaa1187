//go:build linux && husk_core

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/build/buildopts"
)

// runBuild: the build engine lives in the helper (build_full.go); the
// flags were checked here, so a mistake costs no helper start.
func (a *app) runBuild(*cobra.Command, buildopts.Options, string) error { return a.handOff() }
