//go:build linux

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.podman.io/storage/pkg/reexec"

	"github.com/husk-dev/husk/internal/slimexec"
)

// Every job the helper's constructor hands over must be registered here:
// registering a name twice panics.
func TestServesEveryJobTheHelperHandsOver(t *testing.T) {
	for _, job := range slimexec.Jobs() {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s is handed to husk-reexec but no package it links serves it", job)
				}
			}()
			reexec.Register(job, func() {})
		}()
	}
}

// Started by hand (under a name that is not a job), it says what it is.
func TestBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), slimexec.Name)
	build := exec.Command("go", "build", "-tags", "containers_image_openpgp,exclude_graphdriver_btrfs", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--help").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 125 || !strings.Contains(string(out), "it is not a command") {
		t.Fatalf("run by hand: err %v, output %q; want exit 125 saying it is not a command", err, out)
	}
}
