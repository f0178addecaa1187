package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/runtime"
)

func parseContainerFlags(t *testing.T, args ...string) (runtime.Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	cf := addContainerFlags(fs)
	if err := fs.Parse(args); err != nil {
		return runtime.Config{}, err
	}
	rest := fs.Args()
	return cf.config(rest[0], rest[1:])
}

func TestContainerFlags(t *testing.T) {
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	os.WriteFile(envFile, []byte("# c\nA=1\n\nB=2\n"), 0o644)
	t.Setenv("FROM_HOST", "h")
	cfg, err := parseContainerFlags(t,
		"--name", "web", "-e", "X=1", "-e", "FROM_HOST", "-e", "UNSET_VAR", "--env-file", envFile,
		"-u", "app", "-w", "/w", "--hostname", "hn", "-i", "-t", "--read-only", "--network", "host",
		"-v", "/src:/dst:ro", "-v", "data:/data", "--mount", "type=tmpfs,target=/t,tmpfs-size=1m",
		"--tmpfs", "/run:size=2m", "--cap-add", "net_admin", "--cap-drop", "ALL",
		"--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined",
		"--userns", "keep-id", "--rm", "--entrypoint", `["/bin/sh","-c"]`,
		"img", "echo", "--not-a-husk-flag")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "web" || cfg.Image != "img" || !reflect.DeepEqual(cfg.Command, []string{"echo", "--not-a-husk-flag"}) {
		t.Errorf("name/image/command: %+v", cfg)
	}
	if !reflect.DeepEqual(cfg.Env, []string{"A=1", "B=2", "X=1", "FROM_HOST=h"}) {
		t.Errorf("env %v", cfg.Env)
	}
	if cfg.Entrypoint == nil || !reflect.DeepEqual(*cfg.Entrypoint, []string{"/bin/sh", "-c"}) {
		t.Errorf("entrypoint %v", cfg.Entrypoint)
	}
	if cfg.User != "app" || cfg.Workdir != "/w" || cfg.Hostname != "hn" || !cfg.Interactive || !cfg.TTY || !cfg.ReadOnly ||
		cfg.Network != runtime.NetworkHost || !cfg.NoNewPrivileges || !cfg.Seccomp.Unconfined || !cfg.KeepID || !cfg.Remove {
		t.Errorf("scalars: %+v", cfg)
	}
	want := []runtime.VolumeSpec{
		{Kind: runtime.VolumeBind, Source: "/src", Destination: "/dst", ReadOnly: true},
		{Kind: runtime.VolumeNamed, Source: "data", Destination: "/data"},
		{Kind: runtime.VolumeTmpfs, Destination: "/t", Options: []string{"size=1m"}},
		{Kind: runtime.VolumeTmpfs, Destination: "/run", Options: []string{"size=2m"}},
	}
	if !reflect.DeepEqual(cfg.Volumes, want) {
		t.Errorf("volumes:\n got %+v\nwant %+v", cfg.Volumes, want)
	}
}

func TestContainerFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--network", "ns:/proc/1/ns/net", "img"},
		{"--network", "host", "-p", "80", "img"},
		{"--userns", "auto", "img"},
		{"--security-opt", "label=disable", "img"},
		{"--security-opt", "seccomp=/nonexistent.json", "img"},
		{"-v", "onlyone", "img"},
		{"-v", "/a:/b:bogus", "img"},
		{"--mount", "type=nfs,target=/x", "img"},
		{"--mount", "type=bind,target=/x", "img"},
		{"--entrypoint", "[not json", "img"},
		{"--env-file", "/nonexistent", "img"},
	} {
		if _, err := parseContainerFlags(t, args...); err == nil {
			t.Errorf("%v accepted", args)
		} else if strings.HasPrefix(err.Error(), "husk:") {
			t.Errorf("%v: doubled prefix %q", args, err)
		}
	}
}
