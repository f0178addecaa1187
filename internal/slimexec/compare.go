package slimexec

import (
	"fmt"
	"runtime/debug"
)

// vcsSettings are the build settings that identify the sources; the others
// (-tags, -ldflags) legitimately differ between the two binaries.
var vcsSettings = []string{"vcs.revision", "vcs.time", "vcs.modified"}

// sameBuild reports why other (the slim binary) was not built from the
// same sources as self, or nil if it was. Every module other links must be
// linked by self at the same version and checksum: those modules define
// the requests a job reads.
func sameBuild(self, other *debug.BuildInfo) error {
	if self.GoVersion != other.GoVersion {
		return fmt.Errorf("built with %s, not %s", other.GoVersion, self.GoVersion)
	}
	if self.Main.Path != other.Main.Path || self.Main.Version != other.Main.Version {
		return fmt.Errorf("module %s %s, not %s %s", other.Main.Path, other.Main.Version, self.Main.Path, self.Main.Version)
	}
	for _, key := range vcsSettings {
		if a, b := setting(self, key), setting(other, key); a != b {
			return fmt.Errorf("%s %q, not %q", key, b, a)
		}
	}
	mine := make(map[string]*debug.Module, len(self.Deps))
	for _, m := range self.Deps {
		mine[m.Path] = m
	}
	for _, m := range other.Deps {
		s := mine[m.Path]
		if s == nil {
			return fmt.Errorf("links %s, which this program does not", m.Path)
		}
		if a, b := moduleID(s), moduleID(m); a != b {
			return fmt.Errorf("links %s, not %s", b, a)
		}
	}
	return nil
}

func setting(bi *debug.BuildInfo, key string) string {
	for _, s := range bi.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// moduleID names the code a module entry stands for: its version and
// checksum, or those of its replacement.
func moduleID(m *debug.Module) string {
	id := m.Path + "@" + m.Version + " " + m.Sum
	if r := m.Replace; r != nil {
		id += " => " + r.Path + "@" + r.Version + " " + r.Sum
	}
	return id
}
