// Package manifestopts holds the options of husk manifest's commands and
// their checks, for the command binary, which hands the work to the
// helper (pkg/manifest) without linking it.
package manifestopts

import (
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// Add are the options of manifest add (and create's --all).
type Add struct {
	// All adds every instance of an image that is itself a list.
	All bool
	// Arch, OS, Variant, OSVersion and Features override what the
	// instance's config says in the list's entry.
	Arch, OS, Variant, OSVersion string
	Features                     []string
	// Annotations are KEY=VALUE pairs for the entry.
	Annotations []string
}

// Validate checks the annotations.
func (a Add) Validate() error {
	_, err := ParseAnnotations(a.Annotations)
	return err
}

// ParseAnnotations parses KEY=VALUE pairs.
func ParseAnnotations(kvs []string) (map[string]string, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, setting.Errorf("{annotation} %q: want KEY=VALUE", kv)
		}
		m[k] = v
	}
	return m, nil
}

// Push formats.
const (
	FormatOCI  = "oci"
	FormatV2S2 = "v2s2"
)

// Push are the options of manifest push.
type Push struct {
	// All pushes the list's instances too (later podman's default; 4.3
	// pushed the list alone, which a registry without the instances
	// refuses).
	All bool
	// Format is "" (the list's own), FormatOCI or FormatV2S2.
	Format           string
	RemoveSignatures bool
	// Rm removes the local list after a successful push.
	Rm         bool
	Quiet      bool
	DigestFile string
}

// Validate checks the format.
func (p Push) Validate() error {
	switch p.Format {
	case "", FormatOCI, FormatV2S2:
		return nil
	}
	return setting.Errorf("{format} %q: want %s or %s", p.Format, FormatOCI, FormatV2S2)
}

// Request is one manifest command: the subcommand (create, add, inspect,
// push, rm, remove or exists), its arguments and options.
type Request struct {
	Op   string
	Args []string
	Add  Add
	Push Push
}
