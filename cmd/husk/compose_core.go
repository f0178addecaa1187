//go:build linux && (husk_core || husk_transfer)

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/transfer"
	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// runCompose: compose lives in the compose helper (compose_full.go, bin/
// husk-compose), which links the compose parser: its JSON schema and the
// Kubernetes API types would cost every pull's start in the transfer
// helper (~30 ms of package initialisation, ~12 MiB). The flags were
// checked here.
func (a *app) runCompose(*cobra.Command, composeopts.Request) error { return a.handOffCompose() }

// handOffCompose replaces this process with the compose helper, given the
// same command line.
func (a *app) handOffCompose() error { return transfer.Compose.HandOff(version) }
