//go:build linux && !husk_core

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/build"
	"github.com/husk-dev/husk/pkg/build/buildopts"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/storage"
)

// runBuild builds with buildah's engine (pkg/build) in this process: the
// helper, or an in-process test.
func (a *app) runBuild(cmd *cobra.Command, o buildopts.Options, contextArg string) error {
	store, err := a.openStore()
	if err != nil {
		return err
	}
	defer store.Close()
	cleanup, err := a.resolveContext(store, &o, contextArg)
	defer cleanup()
	if err != nil {
		return err
	}
	env, err := a.buildEnv(store, o)
	if err != nil {
		return err
	}
	res, err := build.Build(cmd.Context(), env, o)
	if err != nil {
		return err
	}
	// podman 4.3.1 records "image build" with neither ID nor name; the
	// image's ID and first tag are what a script following events needs.
	name := ""
	if len(o.Tags) > 0 {
		name = o.Tags[0]
	}
	a.record(events.Image, events.Build, res.ID, name)
	if o.Quiet {
		fmt.Fprintln(a.stdout, res.ID)
	}
	return nil
}

// resolveContext makes the context and the Containerfiles absolute, reads
// a Containerfile from stdin ("-") into a new empty context, and finds the
// default Containerfile.
func (a *app) resolveContext(store *storage.Store, o *buildopts.Options, contextArg string) (func(), error) {
	cleanup := func() {}
	stdinFile := contextArg == "-"
	for _, f := range o.Containerfiles {
		stdinFile = stdinFile || f == "-"
	}
	var tmp string
	if stdinFile {
		var err error
		if tmp, err = os.MkdirTemp(storage.TempDir(store.GraphRoot), "build-stdin-"); err != nil {
			return cleanup, err
		}
		cleanup = func() { _ = os.RemoveAll(tmp) }
	}
	if contextArg == "-" {
		o.ContextDir = tmp
	} else {
		abs, err := filepath.Abs(contextArg)
		if err != nil {
			return cleanup, err
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return cleanup, fmt.Errorf("build context: %w", err)
		}
		if !fi.IsDir() {
			return cleanup, fmt.Errorf("build context %s is not a directory", contextArg)
		}
		o.ContextDir = abs
	}
	files, err := absPaths(o.Containerfiles)
	if err != nil {
		return cleanup, err
	}
	for i, f := range files {
		if f == "-" {
			if files[i], err = buildopts.ReadStdinContainerfile(a.stdin, tmp); err != nil {
				return cleanup, err
			}
		}
	}
	if len(files) == 0 {
		if contextArg == "-" {
			f, err := buildopts.ReadStdinContainerfile(a.stdin, tmp)
			if err != nil {
				return cleanup, err
			}
			files = []string{f}
		} else {
			f, err := buildopts.FindContainerfile(o.ContextDir)
			if err != nil {
				return cleanup, err
			}
			files = []string{f}
		}
	}
	o.Containerfiles = files
	return cleanup, nil
}

// buildEnv is the husk set-up a build runs with.
func (a *app) buildEnv(store *storage.Store, o buildopts.Options) (build.Env, error) {
	sys, err := a.withCache(o.Registry).SystemContext()
	if err != nil {
		return build.Env{}, err
	}
	stateDir := filepath.Join(store.RunRoot, "husk-runtime")
	rts, err := oci.Select(oci.SelectOptions{Name: a.global.runtime, StateDir: stateDir})
	if err != nil {
		return build.Env{}, err
	}
	env := build.Env{
		Store: store, Sys: sys, StateDir: stateDir, Rootless: a.state.Rootless,
		NetRunDir: filepath.Join(store.RunRoot, "husk-netns"),
		Stdin:     a.stdin, Stdout: a.stdout, Stderr: a.stderr,
	}
	for _, rt := range rts {
		if cli, ok := rt.(*oci.CLI); ok {
			env.Runtimes = append(env.Runtimes, build.Runtime{Name: cli.Name(), Path: cli.Path()})
		}
	}
	return env, nil
}

// absPaths makes the paths a build names absolute ("-" stays: stdin).
func absPaths(paths []string) ([]string, error) {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if p == "-" {
			out = append(out, p)
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		out = append(out, abs)
	}
	return out, nil
}
