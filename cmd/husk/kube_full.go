//go:build linux && !husk_core && !husk_transfer

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/husk-dev/husk/pkg/compose"
	"github.com/husk-dev/husk/pkg/kube"
)

// runKubePlay plays (or takes down) the YAML of file ("-": stdin), with
// husk itself, the command binary beside this helper, for each step.
func (a *app) runKubePlay(ctx context.Context, file string, o kubeOptions) error {
	objs, err := readKube(file, a.stdin)
	if err != nil {
		return err
	}
	opts := kube.Options{Network: o.network, Warn: a.stderr, Down: o.down}
	for _, f := range o.configMaps {
		more, err := readKubeConfigMaps(f)
		if err != nil {
			return err
		}
		opts.ConfigMaps = append(opts.ConfigMaps, more...)
	}
	pods, err := kube.Plan(objs, opts)
	if err != nil {
		return err
	}
	r := kube.ExecRunner{Path: huskCommandPath(), Global: a.globalArgs()}
	if o.down {
		return kube.Down(ctx, r, pods, a.stdout)
	}
	if o.replace {
		// What it removes is not this command's output.
		if err := kube.Down(ctx, r, pods, io.Discard); err != nil && !errors.Is(err, kube.ErrNoPod) {
			return err
		}
	}
	po := kube.PlayOptions{Build: kube.BuildMissing}
	switch {
	case o.build == nil:
	case *o.build:
		po.Build = kube.BuildAlways
	default:
		po.Build = kube.BuildNever
	}
	if po.Dir, err = os.Getwd(); err != nil {
		return err
	}
	return kube.Play(ctx, r, pods, po, a.stdout)
}

// runKubeGenerate writes the YAML of the named pods and containers.
func (a *app) runKubeGenerate(ctx context.Context, names []string, o kubeGenerateOptions) (err error) {
	r := kube.ExecRunner{Path: huskCommandPath(), Global: a.globalArgs()}
	opts := kube.GenerateOptions{Type: o.kind, Service: o.service, Warn: a.stderr}
	if o.file == "" {
		return kube.Generate(ctx, r, names, opts, a.stdout)
	}
	var buf bytes.Buffer
	if err := kube.Generate(ctx, r, names, opts, &buf); err != nil {
		return err
	}
	return os.WriteFile(o.file, buf.Bytes(), 0o644)
}

func readKube(file string, stdin io.Reader) (*kube.Objects, error) {
	if file == "-" {
		return kube.Decode(stdin)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	objs, err := kube.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return objs, nil
}

func readKubeConfigMaps(file string) ([]*kube.ConfigMap, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cms, err := kube.DecodeConfigMaps(f)
	if err != nil {
		return nil, fmt.Errorf("--configmap %s: %w", file, err)
	}
	return cms, nil
}

// huskCommandPath is the command binary beside this helper (compose's
// choice: it starts fastest), or this binary, which has every command.
func huskCommandPath() string {
	exe, err := os.Executable()
	if err != nil {
		return "husk"
	}
	return compose.FindHusk(exe)
}
