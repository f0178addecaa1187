//go:build !linux

package spec

import (
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// errNoSeccomp: the seccomp profile library is Linux-only, as containers
// are.
var errNoSeccomp = errors.New("seccomp profiles are built on Linux only")

func loadSeccomp(string, *specs.Spec) (*specs.LinuxSeccomp, error) { return nil, errNoSeccomp }

func defaultSeccomp(*specs.Spec) (*specs.LinuxSeccomp, error) { return nil, errNoSeccomp }
