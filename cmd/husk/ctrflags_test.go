//go:build linux

package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/netns"
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
		"-v", dir+":/dst:ro", "-v", "data:/data", "--mount", "type=tmpfs,target=/t,tmpfs-size=1m",
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
		cfg.Net.Mode != netns.ModeHost || !cfg.NoNewPrivileges || !cfg.Seccomp.Unconfined || !cfg.KeepID || !cfg.Remove {
		t.Errorf("scalars: %+v", cfg)
	}
	want := []runtime.VolumeSpec{
		{Kind: runtime.VolumeBind, Source: dir, Destination: "/dst", ReadOnly: true},
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
		{"--userns", "ns:/proc/1/ns/user", "img"},
		{"--security-opt", "apparmor=my-profile", "img"},
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

// Input the runtime would take and fail on later (or run wrongly) is
// refused while the flags are parsed, with the flag and what to do.
func TestContainerFlagInputErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	long := strings.Repeat("a", 65)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-e", "=x", "img"}, `-e "=x": empty variable name`},
		{[]string{"-e", " =x", "img"}, `empty variable name`},
		{[]string{"-e", "", "img"}, `empty --env`},
		{[]string{"--env-file", write("e1", "A=1\n=x\n"), "img"}, `line 2: empty variable name`},
		{[]string{"--env-file", write("e2", "A B=1\n"), "img"}, `line 1: variable name "A B" contains white space`},
		{[]string{"--env-file", write("e3", "A=\x00\n"), "img"}, `line 1: contains a NUL byte`},
		{[]string{"--env-file", write("e4", "A=\xff\n"), "img"}, `line 1: not valid UTF-8`},
		{[]string{"--env-file", dir, "img"}, `is not a regular file (a directory)`},
		{[]string{"--env-file", "/dev/zero", "img"}, `"/dev/zero" is not a regular file (a character device)`},
		{[]string{"--security-opt", "seccomp=/dev/zero", "img"}, `"/dev/zero" is not a regular file`},
		{[]string{"--security-opt", "seccomp=" + write("s1", "{not json"), "img"}, `seccomp profile`},
		{[]string{"--hostname", long, "img"}, `longer than 64 characters`},
		{[]string{"--hostname", "a\nb", "img"}, `--hostname: host name "a\nb": use letters`},
		{[]string{"--hostname", "a b", "img"}, `use letters`},
		{[]string{"--name", "a b", "img"}, `--name: invalid container name`},
		{[]string{"-w", "rel", "img"}, `must be an absolute path`},
		{[]string{"-u", "99999999999", "img"}, `not a valid id`},
		{[]string{"-u", ":", "img"}, `want name|uid[:group|gid]`},
		{[]string{"--tmpfs", "/x:size=abc", "img"}, `--tmpfs "/x:size=abc": size "abc": use a number`},
		{[]string{"--tmpfs", "/x:size=1mb", "img"}, `size "1mb"`},
		{[]string{"--tmpfs", "/x:mode=999", "img"}, `mode "999"`},
		{[]string{"--tmpfs", "/x:bogus", "img"}, `unknown tmpfs option "bogus"`},
		{[]string{"--tmpfs", "/x:size=1m,,", "img"}, `empty option`},
		{[]string{"--tmpfs", "x", "img"}, `not an absolute path`},
		{[]string{"--tmpfs", "/proc", "img"}, `would hide the container's /proc`},
		{[]string{"--mount", "type=tmpfs,target=/x,tmpfs-size=big", "img"}, `size "big"`},
		{[]string{"--mount", "type=tmpfs,target=/x,tmpfs-mode=rwx", "img"}, `mode "rwx"`},
		{[]string{"--mount", "type=bind,source=/tmp,target=/x,tmpfs-size=1m", "img"}, `are for type=tmpfs`},
		{[]string{"--mount", "type=bind,source=/tmp,target=/x,bind-propagation=sideways", "img"}, `bind-propagation "sideways"`},
		{[]string{"--mount", "type=bind,source=/tmp,target=/x,readonly=maybe", "img"}, `readonly takes true or false`},
		{[]string{"--mount", "type=volume,source=../x,target=/x", "img"}, `invalid volume name`},
		{[]string{"--mount", "type=bind,source=/tmp,target=/sys", "img"}, `would hide the container's /sys`},
		{[]string{"-v", "/tmp:/proc", "img"}, `-v "/tmp:/proc": mount destination "/proc" would hide`},
		{[]string{"-v", "/tmp:/dev", "img"}, `would hide the container's /dev`},
		{[]string{"-v", "/tmp:/x/../sys", "img"}, `would hide the container's /sys`},
		{[]string{"-v", "/tmp:/proc/sys", "img"}, `inside /proc`},
		{[]string{"-v", "/tmp:/", "img"}, `is the container's root`},
		{[]string{"-v", "/tmp:rel", "img"}, `not an absolute path`},
		{[]string{"-v", "/nonexistent-husk-test:/x", "img"}, `bind mount source`},
		{[]string{"-v", "/tmp:/x", "-v", "/var/tmp:/x/", "img"}, `-v "/tmp:/x" and -v "/var/tmp:/x/" both mount on /x`},
		{[]string{"-v", "/tmp:/x", "--tmpfs", "/x", "img"}, `both mount on /x`},
		{[]string{"-v", "bad name:/x", "img"}, `invalid volume name`},
		{[]string{"--memory", "99999999999999g", "img"}, `too large`},
		{[]string{"--memory", "10kbkb", "img"}, `invalid size`},
		{[]string{"--dns-search", "a\nnameserver 1.1.1.1", "img"}, `not a domain`},
		{[]string{"--dns-option", "ndots:1\nnameserver", "img"}, `not a resolv.conf option`},
		{[]string{"--add-host", "a\nb:1.2.3.4", "img"}, `invalid host name`},
	} {
		_, err := parseContainerFlags(t, tc.args...)
		if err == nil {
			t.Errorf("%q accepted", tc.args)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %q, want it to contain %q", tc.args, err, tc.want)
		}
		if strings.Contains(err.Error(), "\n") && !strings.Contains(tc.want, "\n") {
			t.Errorf("%q: error of several lines: %q", tc.args, err)
		}
	}
	if _, err := parseContainerFlags(t, ""); err == nil || !strings.Contains(err.Error(), "empty image name") {
		t.Errorf("empty image: %v", err)
	}
}

// What the checks must still let through.
func TestContainerFlagInputAccepted(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, "env")
	if err := os.WriteFile(env, []byte("  A=1 \r\n# c\n\nB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("B", "from-host")
	cfg, err := parseContainerFlags(t, "--env-file", env, "-e", "C=a=b", "--hostname", strings.Repeat("h", 64),
		"--tmpfs", "/t1:size=50%,mode=0755,noexec,nr_inodes=1k,uid=1000", "--tmpfs", "/dev/shm",
		"--mount", "type=tmpfs,target=/t2,tmpfs-size=64m,tmpfs-mode=1777",
		"-v", dir+":/proc/meminfo", "-v", dir+":/x/../y", "-u", "1000:1000", "-w", "/w", "img")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Env, []string{"A=1 ", "B=from-host", "C=a=b"}) {
		t.Errorf("env %q", cfg.Env)
	}
	var dsts []string
	for _, v := range cfg.Volumes {
		dsts = append(dsts, v.Destination)
	}
	if !reflect.DeepEqual(dsts, []string{"/proc/meminfo", "/y", "/t2", "/t1", "/dev/shm"}) {
		t.Errorf("destinations %q", dsts)
	}
}
