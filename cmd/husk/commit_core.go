//go:build linux && husk_core

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/commit/commitopts"
)

// runCommit and runImport: the image machinery lives in the helper
// (commit_full.go); the flags were checked here.
func (a *app) runCommit(*cobra.Command, string, string, commitopts.Options) error {
	return a.handOff()
}

func (a *app) runImport(*cobra.Command, string, string, commitopts.ImportOptions) error {
	return a.handOff()
}
