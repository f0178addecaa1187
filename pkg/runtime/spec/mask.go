package spec

import (
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// UnmaskAll in Extra.Unmask leaves every default masked and read-only
// path alone.
const UnmaskAll = "ALL"

// applyMasks adds mask to the masked paths and drops the masked and
// read-only paths that a pattern of unmask matches (shell patterns, as
// podman's unmask=/proc/*).
func applyMasks(s *specs.Spec, mask, unmask []string) {
	keep := func(paths []string) []string {
		var kept []string
		for _, p := range paths {
			if !unmasked(p, unmask) {
				kept = append(kept, p)
			}
		}
		return kept
	}
	s.Linux.MaskedPaths = keep(s.Linux.MaskedPaths)
	s.Linux.ReadonlyPaths = keep(s.Linux.ReadonlyPaths)
	for _, p := range mask {
		if !slices.Contains(s.Linux.MaskedPaths, p) {
			s.Linux.MaskedPaths = append(s.Linux.MaskedPaths, p)
		}
	}
}

func unmasked(path string, patterns []string) bool {
	for _, pat := range patterns {
		if pat == UnmaskAll || pat == path {
			return true
		}
		if ok, err := filepath.Match(pat, path); err == nil && ok {
			return true
		}
	}
	return false
}
