package spec

import (
	"github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// loadSeccomp turns a seccomp profile (JSON) into config.json's section.
func loadSeccomp(body string, s *specs.Spec) (*specs.LinuxSeccomp, error) {
	return seccomp.LoadProfile(body, s)
}

// defaultSeccomp is the default profile for the spec's capabilities.
func defaultSeccomp(s *specs.Spec) (*specs.LinuxSeccomp, error) {
	return seccomp.GetDefaultProfile(s)
}
