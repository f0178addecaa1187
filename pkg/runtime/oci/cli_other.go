//go:build !linux

package oci

import (
	"errors"
	"os"
	"os/exec"
)

// bornIn refuses a cgroup to be born in: only Linux has them.
func bornIn(cmd *exec.Cmd, f *os.File) error {
	if f == nil {
		return nil
	}
	return errors.New("cgroups are Linux's")
}
