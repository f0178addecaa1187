//go:build linux && husk_core

package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/hostinfo"
	"github.com/husk-dev/husk/internal/transfer"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/storage"
)

// The command binary (bin/husk, built with the husk_core tag) hands image
// transfers to the transfer helper (internal/transfer): the same commands
// built with everything (transfer_full.go).

// handsOffTransfers: this build runs pulls, pushes, saves and loads in
// husk-transfer.
const handsOffTransfers = true

// warnCallerSkew: the command binary is nobody's helper.
func warnCallerSkew() {}

// transfersInfo says where transfers run, for husk info.
func transfersInfo() hostinfo.Tool {
	p, err := transfer.FindHelper()
	if err != nil {
		return hostinfo.Tool{Name: "helper", Problem: err.Error()}
	}
	return hostinfo.Tool{Name: "helper", Path: p}
}

// handOff replaces this process with the helper, given the same command
// line.
func (a *app) handOff() error { return transfer.HandOff(version) }

func (a *app) runPull(context.Context, string, pullopts.RegistryOptions, bool) error {
	return a.handOff()
}

func (a *app) runPush(context.Context, string, string, pullopts.RegistryOptions, pullopts.PushOptions, bool) error {
	return a.handOff()
}

func (a *app) runSave(context.Context, saveRequest) error {
	return a.handOff()
}

func (a *app) runLoad(context.Context, string, bool) error { return a.handOff() }

func (a *app) runLogin(context.Context, string, loginOptions) error { return a.handOff() }

func (a *app) runLogout(string, bool, string) error { return a.handOff() }

// pullImage pulls for run and create (--pull) through "helper pull":
// progress and errors go straight to stderr, the ID comes back.
func (a *app) pullImage(ctx context.Context, _ *storage.Store, image string, ro pullopts.RegistryOptions, quiet bool) (string, error) {
	return transfer.Pull(ctx, transfer.PullRequest{Image: image, Registry: ro, GlobalArgs: a.globalArgs(), Version: version, Stderr: a.stderr, Quiet: quiet})
}

func (a *app) generateDocs(*cobra.Command, string, string) error { return a.handOff() }
