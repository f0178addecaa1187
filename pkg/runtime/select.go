package runtime

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// SelectOptions controls SelectRuntimes.
type SelectOptions struct {
	// Name is --runtime: "" for the default choice, a known name, or a
	// path to a runtime binary.
	Name string
	// StateDir holds each runtime's --root and husk's memory of runtimes
	// that refused this host.
	StateDir string
}

// SelectRuntimes returns the runtimes to try, preferred first. By default
// that is crun then runc, minus a runtime that already refused this host
// (remembered in StateDir until reboot); an explicit --runtime gets no
// fallback, since the user asked for it.
func SelectRuntimes(o SelectOptions) ([]*OCI, error) {
	mk := func(name, path string) *OCI {
		return &OCI{Name: name, Path: path, Root: filepath.Join(o.StateDir, name)}
	}
	if o.Name != "" {
		path := o.Name
		name := filepath.Base(o.Name)
		if !strings.Contains(o.Name, "/") {
			p, err := exec.LookPath(o.Name)
			if err != nil {
				return nil, fmt.Errorf("OCI runtime %q not found in PATH: install it (package %s) or give its path", o.Name, o.Name)
			}
			path = p
		} else if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("OCI runtime %q: %w", o.Name, err)
		}
		return []*OCI{mk(name, path)}, nil
	}
	var out []*OCI
	for _, name := range KnownRuntimes {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if _, err := os.Stat(refusedMarker(o.StateDir, name)); err == nil {
			continue
		}
		out = append(out, mk(name, p))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no OCI runtime found: install the crun or runc package")
	}
	return out, nil
}

func refusedMarker(stateDir, name string) string {
	return filepath.Join(stateDir, name+".refused")
}

// RememberRefusal records that a runtime cannot run on this host, so later
// commands go straight to the next one.
func RememberRefusal(stateDir, name, reason string) {
	_ = os.MkdirAll(stateDir, 0o700)
	_ = os.WriteFile(refusedMarker(stateDir, name), []byte(reason+"\n"), 0o600)
}

// Refusal returns why a runtime was found unable to run here ("" if not).
func Refusal(stateDir, name string) string {
	b, err := os.ReadFile(refusedMarker(stateDir, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
