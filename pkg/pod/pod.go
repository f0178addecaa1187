package pod

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/userfile"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/storage"
)

// ErrPodUnknown is returned when no pod matches a name or ID.
var ErrPodUnknown = errors.New("no such pod")

// ErrPodExists is returned for a pod name already in use.
var ErrPodExists = errors.New("pod already exists")

// Pod is a pod's record: what pod create was asked for.
type Pod struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// CreateCommand is the command line that made the pod.
	CreateCommand []string          `json:"createCommand,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	// Hostname is --hostname ("": the pod's name, in the shared uts
	// namespace).
	Hostname string `json:"hostname,omitempty"`
	// Share are the namespaces the members share, sorted (none without
	// an infra container).
	Share []string `json:"share,omitempty"`
	// InfraID is the infra container's ID ("": --infra=false).
	InfraID string `json:"infraId,omitempty"`
	// Net is the infra container's network request (mode, ports).
	Net netns.Config `json:"net"`

	dir string
}

// Shares reports whether the pod's members share the namespace kind.
func (p *Pod) Shares(kind string) bool {
	for _, s := range p.Share {
		if s == kind {
			return true
		}
	}
	return false
}

// HasInfra reports whether the pod has an infra container.
func (p *Pod) HasInfra() bool { return p.InfraID != "" }

const (
	podsDir    = "husk-pods"
	recordFile = "pod.json"
	maxRecord  = 1 << 20
)

// Dir is the directory of the store's pods.
func Dir(s *storage.Store) string { return filepath.Join(s.GraphRoot, podsDir) }

// lock serializes the commands that add or remove pods, so that names
// stay unique.
func lock(s *storage.Store) (func(), error) {
	if err := os.MkdirAll(Dir(s), 0o700); err != nil {
		return nil, fmt.Errorf("lock pods: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(Dir(s), "lock"), os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock pods: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock pods: %w", err)
	}
	return func() { f.Close() }, nil
}

// save writes the pod's record atomically.
func (p *Pod) save() error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encode pod %s: %w", p.Name, err)
	}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return fmt.Errorf("save pod %s: %w", p.Name, err)
	}
	tmp := filepath.Join(p.dir, recordFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("save pod %s: %w", p.Name, err)
	}
	if err := os.Rename(tmp, filepath.Join(p.dir, recordFile)); err != nil {
		return fmt.Errorf("save pod %s: %w", p.Name, err)
	}
	return nil
}

func load(dir string) (*Pod, error) {
	b, err := userfile.Read(filepath.Join(dir, recordFile), maxRecord)
	if err != nil {
		return nil, err
	}
	p := &Pod{dir: dir}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("parse pod %s: %w", filepath.Base(dir), err)
	}
	return p, nil
}

// List returns the store's pods, oldest first.
func List(s *storage.Store) ([]*Pod, error) {
	ents, err := os.ReadDir(Dir(s))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list pods: %w", err)
	}
	var out []*Pod
	for _, e := range ents {
		if !e.IsDir() || len(e.Name()) != 64 {
			continue
		}
		p, err := load(filepath.Join(Dir(s), e.Name()))
		if err != nil {
			continue // being created or removed
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// Lookup finds a pod by name, full ID or unique ID prefix.
func Lookup(s *storage.Store, ref string) (*Pod, error) {
	if strings.TrimSpace(ref) == "" {
		return nil, fmt.Errorf("%w: a pod's name or ID cannot be empty", ErrPodUnknown)
	}
	all, err := List(s)
	if err != nil {
		return nil, err
	}
	var hits []*Pod
	for _, p := range all {
		if p.Name == ref || p.ID == ref {
			return p, nil
		}
		if strings.HasPrefix(p.ID, ref) {
			hits = append(hits, p)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return nil, fmt.Errorf("no pod with name or ID %s found: %w", ref, ErrPodUnknown)
	}
	return nil, fmt.Errorf("pod %q: ID prefix matches %d pods", ref, len(hits))
}

// newID is a random 64-hex-digit ID, as container IDs are.
func newID() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a pod ID: %w", err)
	}
	return hex.EncodeToString(b), nil
}
