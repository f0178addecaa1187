//go:build linux && !husk_core

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/commit"
	"github.com/husk-dev/husk/pkg/commit/commitopts"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/runtime"
)

// runCommit commits with buildah's library (pkg/commit) in this process:
// the helper, or an in-process test.
func (a *app) runCommit(cmd *cobra.Command, ctr, dest string, o commitopts.Options) error {
	sys, err := a.withCache(pullopts.RegistryOptions{}).SystemContext()
	if err != nil {
		return err
	}
	return a.withContainers([]string{ctr}, func(env runtime.Env, c *runtime.Container) error {
		cenv := commit.Env{Store: env.Store, Sys: sys, Progress: a.progress(o.Quiet)}
		id, err := commit.Container(cmd.Context(), cenv, env, c, dest, o)
		if err == nil {
			runtime.RecordEvent(env, c, events.Commit)
			fmt.Fprintln(a.stdout, id)
		}
		return err
	})
}

// runImport imports with containers/image (pkg/commit) in this process.
func (a *app) runImport(cmd *cobra.Command, path, dest string, o commitopts.ImportOptions) error {
	sys, store, err := a.openTransfer(pullopts.RegistryOptions{})
	if err != nil {
		return err
	}
	defer store.Close()
	cenv := commit.Env{Store: store, Sys: sys, Progress: a.progress(o.Quiet)}
	id, err := commit.ImportFile(cmd.Context(), cenv, path, a.stdin, dest, o)
	if err == nil && dest != "" {
		// podman 4.3.1 records an import as the tag it gives.
		a.record(events.Image, events.Tag, id, dest)
	}
	if err == nil {
		fmt.Fprintln(a.stdout, "sha256:"+id)
	}
	return err
}
