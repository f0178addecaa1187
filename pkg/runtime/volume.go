package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// VolumeStore keeps named volumes as directories: DIR/NAME/_data holds the
// contents, DIR/NAME/volume.json the metadata.
type VolumeStore struct {
	Dir string
}

// Volume is a named volume.
type Volume struct {
	Name      string            `json:"Name"`
	Path      string            `json:"Mountpoint"`
	CreatedAt time.Time         `json:"CreatedAt"`
	Labels    map[string]string `json:"Labels"`
	Driver    string            `json:"Driver"`
	// Anonymous is a volume made for one container (-v /dst, the image's
	// VOLUME), which removing that container with --rm or -v removes.
	Anonymous bool `json:"Anonymous,omitempty"`
	// Options are volume create's --opt KEY=VALUE (type, device, o).
	Options map[string]string `json:"Options,omitempty"`
}

// ErrVolumeUnknown is returned for volumes that do not exist.
var ErrVolumeUnknown = errors.New("no such volume")

// ErrVolumeExists is returned when creating a volume that exists.
var ErrVolumeExists = errors.New("volume already exists")

// ErrEmptyVolumeName is returned for an empty or blank volume name.
var ErrEmptyVolumeName = errors.New("empty volume name")

// CheckVolumeName refuses names that are no volume's: empty, or with
// characters other than letters, digits, '_', '.' and '-' (not first),
// which also keeps a name from leaving the volume directory.
func CheckVolumeName(name string) error {
	if strings.TrimSpace(name) == "" {
		return ErrEmptyVolumeName
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && (r == '_' || r == '.' || r == '-'))
		if !ok {
			return fmt.Errorf("invalid volume name %q: use letters, digits, '_', '.', '-' (not first)", name)
		}
	}
	return nil
}

// Create makes a new volume.
func (s *VolumeStore) Create(name string, labels map[string]string) (*Volume, error) {
	return s.create(Volume{Name: name, Labels: labels})
}

// CreateWith makes a new volume with labels and --opt options.
func (s *VolumeStore) CreateWith(name string, labels, opts map[string]string) (*Volume, error) {
	if err := CheckVolumeOptions(opts); err != nil {
		return nil, err
	}
	return s.create(Volume{Name: name, Labels: labels, Options: opts})
}

// create makes the volume tmpl describes (its name, labels and kind).
func (s *VolumeStore) create(tmpl Volume) (*Volume, error) {
	name := tmpl.Name
	if err := CheckVolumeName(name); err != nil {
		return nil, err
	}
	dir := filepath.Join(s.Dir, name)
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create volume store: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		if os.IsExist(err) {
			return nil, fmt.Errorf("%w: %q", ErrVolumeExists, name)
		}
		return nil, fmt.Errorf("create volume %q: %w", name, err)
	}
	v := &tmpl
	v.Path, v.CreatedAt, v.Driver = filepath.Join(dir, "_data"), time.Now().UTC(), "local"
	if v.Labels == nil {
		v.Labels = map[string]string{}
	}
	if err := os.Mkdir(v.Path, 0o755); err != nil {
		return nil, fmt.Errorf("create volume %q: %w", name, err)
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "volume.json"), b, 0o600); err != nil {
		return nil, fmt.Errorf("create volume %q: %w", name, err)
	}
	return v, nil
}

// Get returns a volume.
func (s *VolumeStore) Get(name string) (*Volume, error) {
	if err := CheckVolumeName(name); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(s.Dir, name, "volume.json"))
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("%w: %q", ErrVolumeUnknown, name)
	}
	if err != nil {
		return nil, fmt.Errorf("read volume %q: %w", name, err)
	}
	var v Volume
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("parse volume %q: %w", name, err)
	}
	return &v, nil
}

// Ensure returns the volume, creating it when missing (as -v NAME:/dst
// does); created says whether this call made it.
func (s *VolumeStore) Ensure(name string) (v *Volume, created bool, err error) {
	return s.ensure(Volume{Name: name})
}

// EnsureAnonymous is Ensure for a container's anonymous volume.
func (s *VolumeStore) EnsureAnonymous(name string) (v *Volume, created bool, err error) {
	return s.ensure(Volume{Name: name, Anonymous: true})
}

func (s *VolumeStore) ensure(tmpl Volume) (v *Volume, created bool, err error) {
	name := tmpl.Name
	v, err = s.Get(name)
	if errors.Is(err, ErrVolumeUnknown) {
		v, err = s.create(tmpl)
		if errors.Is(err, ErrVolumeExists) {
			v, err = s.Get(name)
			return v, false, err
		}
		return v, err == nil, err
	}
	return v, false, err
}

// GetAll returns the volumes names, or with all every volume.
func (s *VolumeStore) GetAll(names []string, all bool) ([]*Volume, error) {
	if all {
		return s.List()
	}
	var out []*Volume
	for _, n := range names {
		v, err := s.Get(n)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// List returns all volumes by name.
func (s *VolumeStore) List() ([]*Volume, error) {
	entries, err := os.ReadDir(s.Dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	var out []*Volume
	for _, e := range entries {
		if v, err := s.Get(e.Name()); err == nil {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Remove deletes a volume and its contents.
func (s *VolumeStore) Remove(name string) error {
	v, err := s.Get(name)
	if err != nil {
		return err
	}
	if err := unmountVolume(v); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(s.Dir, name)); err != nil {
		return fmt.Errorf("remove volume %q: %w", name, err)
	}
	return nil
}
