//go:build linux

package main

// Fuzz target for run/create command lines. Seed inputs are in testdata/fuzz/FuzzXxx; `make fuzz` runs each
// target for a short budget. Every target checks, besides "no panic", what
// an accepted value promises to the code after it.

import (
	"path"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime/spec"
	"github.com/spf13/pflag"
)

// checkDestination: an accepted destination is absolute, clean and none
// of the runtime's own.
func checkDestination(t *testing.T, in, dst string) {
	t.Helper()
	if dst != path.Clean(dst) || !strings.HasPrefix(dst, "/") {
		t.Fatalf("%q: destination %q is not absolute and clean", in, dst)
	}
	switch dst {
	case "/", "/proc", "/sys", "/dev":
		t.Fatalf("%q: destination %q accepted", in, dst)
	}
	if _, err := spec.CheckMountDestination(dst); err != nil {
		t.Fatalf("%q: accepted destination %q fails the runtime's check: %v", in, dst, err)
	}
}

// FuzzContainerFlags feeds whole run/create command lines (arguments
// separated by NUL) through the flag set and config().
func FuzzContainerFlags(f *testing.F) {
	for _, s := range []string{
		"-e\x00A=1\x00img",
		"--hostname\x00h\x00-u\x001000:1000\x00-w\x00/w\x00img\x00cmd",
		"-v\x00/tmp:/x\x00--tmpfs\x00/t:size=1m\x00--mount\x00type=tmpfs,target=/m\x00img",
		"-p\x008080:80/tcp\x00--add-host\x00h:1.2.3.4\x00--dns\x001.1.1.1\x00img",
		"--memory\x00512m\x00--cpus\x001.5\x00--pids-limit\x00-1\x00img",
		"--network\x00slirp4netns:allow_host_loopback=true\x00img",
		"--entrypoint\x00[\"/bin/sh\",\"-c\"]\x00img",
		"--security-opt\x00no-new-privileges\x00--cap-add\x00NET_ADMIN\x00img",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		for _, a := range args {
			// Files the flags name are read for real: only the ones
			// the seeds name, never a device or the machine's files.
			if strings.Contains(a, "env-file") || strings.Contains(a, "seccomp") || strings.Contains(a, "-file") {
				return
			}
		}
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		fs.SetOutput(discard{})
		fs.Usage = func() {}
		cf := addContainerFlags(fs)
		if err := fs.Parse(args); err != nil || len(fs.Args()) == 0 {
			return
		}
		rest := fs.Args()
		cfg, err := cf.config(rest[0], rest[1:])
		if err != nil {
			if strings.HasPrefix(err.Error(), "husk:") {
				t.Fatalf("doubled prefix: %q", err)
			}
			return
		}
		if cfg.Hostname != "" {
			if err := spec.CheckHostname(cfg.Hostname); err != nil {
				t.Fatalf("hostname accepted: %v", err)
			}
		}
		seen := map[string]bool{}
		for _, v := range cfg.Volumes {
			checkDestination(t, s, v.Destination)
			if seen[v.Destination] {
				t.Fatalf("%q: destination %q twice", s, v.Destination)
			}
			seen[v.Destination] = true
		}
		for _, e := range cfg.Env {
			if name, _, _ := strings.Cut(e, "="); strings.TrimSpace(name) == "" {
				t.Fatalf("%q: env %q accepted", s, e)
			}
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
