//go:build linux

package main

import (
	"os"
	"testing"

	"go.podman.io/storage/pkg/reexec"
)

// The storage library applies layers in a chrooted child that re-executes
// the test binary.
func TestMain(m *testing.M) {
	if reexec.Init() {
		return
	}
	os.Exit(m.Run())
}
