package secrets

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// MaxSize is the largest value a secret may have, podman's limit (which
// it states as "less than": a value of MaxSize bytes is refused too).
const MaxSize = 512000

// DriverFile is the driver that keeps values in files of the store.
const DriverFile = "file"

// Sentinel errors callers branch on.
var (
	ErrNoSuchSecret = errors.New("no such secret")
	ErrNameInUse    = errors.New("secret name in use")
)

// Secret is a secret's record, in podman's shape (secret inspect).
type Secret struct {
	ID        string    `json:"ID"`
	CreatedAt time.Time `json:"CreatedAt"`
	UpdatedAt time.Time `json:"UpdatedAt"`
	Spec      Spec      `json:"Spec"`
	// SecretData is the value: only inspect --showsecret fills it.
	SecretData string `json:"SecretData,omitempty"`
}

// Spec is what a secret was created with.
type Spec struct {
	Name   string            `json:"Name"`
	Driver Driver            `json:"Driver"`
	Labels map[string]string `json:"Labels"`
}

// Driver names the driver that keeps the value.
type Driver struct {
	Name    string            `json:"Name"`
	Options map[string]string `json:"Options"`
}

// validName is podman's rule: letters, digits, '-', '_' and '.', starting
// and ending with a letter or digit, at most 64 characters. (Checked by
// hand: the regular expression with {0,62} cost every husk command a
// few milliseconds of package initialisation.)
func validName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !alnum(c) && (i == 0 || i == len(name)-1 || c != '_' && c != '.' && c != '-') {
			return false
		}
	}
	return true
}

// CheckName refuses a name podman would refuse.
func CheckName(name string) error {
	if !validName(name) {
		return fmt.Errorf("invalid secret name %q: use at most 64 letters, digits, '-', '_' or '.', starting and ending with a letter or digit", name)
	}
	return nil
}

// CheckDriver refuses the drivers husk does not have.
func CheckDriver(name string) error {
	switch name {
	case DriverFile, "":
		return nil
	case "pass", "shell":
		return fmt.Errorf("secret driver %q: husk keeps secrets with the file driver only (the %s driver runs an external program husk does not support); leave the driver out", name, name)
	default:
		return fmt.Errorf("unknown secret driver %q: use file", name)
	}
}

// CheckData refuses an empty value or one of MaxSize bytes or more.
func CheckData(data []byte) error {
	if len(data) == 0 || len(data) >= MaxSize {
		return fmt.Errorf("secret data of %d bytes: it must be larger than 0 and less than %d bytes", len(data), MaxSize)
	}
	return nil
}

// newID is a random ID of 25 hex digits, as podman's.
func newID() (string, error) {
	b := make([]byte, 13)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make secret ID: %w", err)
	}
	return hex.EncodeToString(b)[:25], nil
}

// find is the secret ref names: a name, a full ID, or an ID prefix
// that only one secret has.
func find(all map[string]Secret, ref string) (Secret, error) {
	if s, ok := all[ref]; ok {
		return s, nil
	}
	var hits []Secret
	for _, s := range all {
		if s.Spec.Name == ref {
			return s, nil
		}
		if ref != "" && strings.HasPrefix(s.ID, ref) {
			hits = append(hits, s)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return Secret{}, fmt.Errorf("no secret with name or id %q: %w", ref, ErrNoSuchSecret)
	default:
		return Secret{}, fmt.Errorf("secret ID prefix %q is ambiguous: give more of the ID or the name", ref)
	}
}

// sorted are the records by ID, as podman lists them.
func sorted(all map[string]Secret) []Secret {
	out := make([]Secret, 0, len(all))
	for _, s := range all {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Source says where secret create reads a value: Arg is a file, "-"
// (stdin), or with FromEnv the name of an environment variable.
type Source struct {
	Arg     string
	FromEnv bool
	Stdin   io.Reader
	// LookupEnv reads the environment (nil: os.LookupEnv).
	LookupEnv func(string) (string, bool)
}

// ReadValue reads the value src names, refusing one CheckData refuses.
func ReadValue(src Source) ([]byte, error) {
	var data []byte
	switch {
	case src.FromEnv:
		lookup := src.LookupEnv
		if lookup == nil {
			lookup = os.LookupEnv
		}
		v, ok := lookup(src.Arg)
		if !ok {
			return nil, fmt.Errorf("environment variable %q is not set: export it, or give a file", src.Arg)
		}
		data = []byte(v)
	case src.Arg == "-":
		b, err := io.ReadAll(io.LimitReader(src.Stdin, MaxSize))
		if err != nil {
			return nil, fmt.Errorf("read secret from stdin: %w", err)
		}
		data = b
	default:
		f, err := os.Open(src.Arg)
		if err != nil {
			return nil, fmt.Errorf("read secret: %w", err)
		}
		defer f.Close()
		if data, err = io.ReadAll(io.LimitReader(f, MaxSize)); err != nil {
			return nil, fmt.Errorf("read secret %q: %w", src.Arg, err)
		}
	}
	return data, CheckData(data)
}
