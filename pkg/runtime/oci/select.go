package oci

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// SelectOptions controls Select.
type SelectOptions struct {
	// Name is --runtime: "" for the default choice, a known name, or a
	// path to a runtime binary.
	Name string
	// StateDir holds each runtime's --root and husk's memory of runtimes
	// that refused this host.
	StateDir string
	// Flags are --runtime-flag values: each goes to the runtime as the
	// global option --FLAG (podman's "debug" is runc's --debug).
	Flags []string
}

// Select returns the runtimes to try, preferred first. By default
// that is crun then runc, minus a runtime that already refused this host
// (remembered in StateDir until reboot); an explicit --runtime gets no
// fallback, since the user asked for it.
func Select(o SelectOptions) ([]Runtime, error) {
	extra, err := GlobalOptions(o.Flags)
	if err != nil {
		return nil, err
	}
	mk := func(name, path string) Runtime {
		c := NewCLI(name, path, filepath.Join(o.StateDir, name))
		c.extra = extra
		return c
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
		return []Runtime{mk(name, path)}, nil
	}
	var out []Runtime
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

// Lookup returns the runtime called name: one of rts, else the binary of
// that name in PATH with its state under stateDir (a container created
// with another --runtime than this command's).
func Lookup(rts []Runtime, name, stateDir string) (Runtime, bool) {
	for _, rt := range rts {
		if rt.Name() == name {
			return rt, true
		}
	}
	if name == "" || stateDir == "" {
		return nil, false
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return nil, false
	}
	return NewCLI(name, p, filepath.Join(stateDir, name)), true
}
