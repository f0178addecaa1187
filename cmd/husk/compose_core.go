//go:build linux && husk_core

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// runCompose: compose lives in the helper (compose_full.go), which links
// the compose parser; the flags were checked here.
func (a *app) runCompose(*cobra.Command, composeopts.Request) error { return a.handOff() }
