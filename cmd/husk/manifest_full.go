//go:build linux && !husk_core

package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/manifest"
	"github.com/husk-dev/husk/pkg/manifest/manifestopts"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// runManifest carries out a manifest command with containers/common's
// libimage (pkg/manifest) in this process: the helper, or a test.
func (a *app) runManifest(cmd *cobra.Command, r manifestopts.Request, ro pullopts.RegistryOptions) error {
	sys, store, err := a.openTransfer(ro)
	if err != nil {
		return err
	}
	defer store.Close()
	env := manifest.Env{Store: store, Sys: sys, Progress: a.progress(r.Push.Quiet)}
	err = manifest.Do(cmd.Context(), env, r, a.stdout, a.stderr)
	switch {
	case errors.Is(err, manifest.ErrNoList):
		return &exitCodeError{code: 1}
	case err != nil && r.Op == "rm":
		return &exitCodeError{code: rmiExitCode(err), msg: message(err)}
	}
	return err
}
