package oci

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// Found describes one OCI runtime binary on the host.
type Found struct {
	Name    string
	Path    string
	Version string // first line of "NAME --version", "" when missing
}

// KnownRuntimes lists the runtimes husk can drive, most preferred first.
var KnownRuntimes = []string{"crun", "runc"}

// FindRuntimes looks each known runtime up in PATH and asks its version.
func FindRuntimes(ctx context.Context) []Found {
	var out []Found
	for _, name := range KnownRuntimes {
		f := Found{Name: name}
		if p, err := exec.LookPath(name); err == nil {
			f.Path = p
			f.Version = versionLine(ctx, p)
		}
		out = append(out, f)
	}
	return out
}

func versionLine(ctx context.Context, path string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	b, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return "unknown version"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return line
}
