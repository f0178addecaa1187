package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.podman.io/storage/pkg/ioutils"
	"golang.org/x/sys/unix"
)

// Store is a user's secrets in a directory.
type Store struct {
	dir string
}

// Open is the store in dir (made on the first Create).
func Open(dir string) *Store { return &Store{dir: dir} }

// CreateOptions are a new secret's settings.
type CreateOptions struct {
	// Driver is "" or DriverFile (CheckDriver).
	Driver string
	Labels map[string]string
}

func (s *Store) dataDir() string           { return filepath.Join(s.dir, "filedriver") }
func (s *Store) dataPath(id string) string { return filepath.Join(s.dataDir(), id) }

// records is the file's content: the secrets by ID.
type records struct {
	Secrets map[string]Secret `json:"secrets"`
}

// lock takes the store's lock (exclusive for writers) and reads the
// records; the caller calls unlock.
func (s *Store) lock(how int) (map[string]Secret, func(), error) {
	if how == unix.LOCK_EX {
		if err := os.MkdirAll(s.dataDir(), 0o700); err != nil {
			return nil, nil, fmt.Errorf("make secret store: %w", err)
		}
	}
	f, err := os.OpenFile(filepath.Join(s.dir, "secrets.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, os.ErrNotExist) && how == unix.LOCK_SH {
		return map[string]Secret{}, func() {}, nil // no store yet: no secrets
	}
	if err != nil {
		return nil, nil, fmt.Errorf("lock secret store: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("lock secret store: %w", err)
	}
	unlock := func() { f.Close() }
	all, err := s.read()
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return all, unlock, nil
}

func (s *Store) read() (map[string]Secret, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, "secrets.json"))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]Secret{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read secrets: %w", err)
	}
	var r records
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read secrets: %s: %w", filepath.Join(s.dir, "secrets.json"), err)
	}
	if r.Secrets == nil {
		r.Secrets = map[string]Secret{}
	}
	return r.Secrets, nil
}

func (s *Store) write(all map[string]Secret) error {
	b, err := json.MarshalIndent(records{Secrets: all}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode secrets: %w", err)
	}
	if err := ioutils.AtomicWriteFile(filepath.Join(s.dir, "secrets.json"), b, 0o600); err != nil {
		return fmt.Errorf("write secrets: %w", err)
	}
	return nil
}

// Create stores a new secret and returns its ID.
func (s *Store) Create(name string, data []byte, o CreateOptions) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	if err := CheckDriver(o.Driver); err != nil {
		return "", err
	}
	if err := CheckData(data); err != nil {
		return "", err
	}
	all, unlock, err := s.lock(unix.LOCK_EX)
	if err != nil {
		return "", err
	}
	defer unlock()
	for _, old := range all {
		if old.Spec.Name == name {
			return "", fmt.Errorf("%s: %w: remove it first or choose another name", name, ErrNameInUse)
		}
	}
	id, err := newID()
	if err != nil {
		return "", err
	}
	labels := o.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	now := time.Now().UTC()
	// The value first: a record never names a value that is not there.
	if err := ioutils.AtomicWriteFile(s.dataPath(id), data, 0o600); err != nil {
		return "", fmt.Errorf("write secret %q: %w", name, err)
	}
	all[id] = Secret{ID: id, CreatedAt: now, UpdatedAt: now, Spec: Spec{Name: name, Labels: labels,
		Driver: Driver{Name: DriverFile, Options: map[string]string{"path": s.dataDir()}}}}
	if err := s.write(all); err != nil {
		_ = os.Remove(s.dataPath(id))
		return "", err
	}
	return id, nil
}

// List is every secret, by ID.
func (s *Store) List() ([]Secret, error) {
	all, unlock, err := s.lock(unix.LOCK_SH)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return sorted(all), nil
}

// Lookup is the secret ref names (a name, an ID or a unique prefix).
func (s *Store) Lookup(ref string) (Secret, error) {
	all, unlock, err := s.lock(unix.LOCK_SH)
	if err != nil {
		return Secret{}, err
	}
	defer unlock()
	return find(all, ref)
}

// Value is the secret ref names and its value.
func (s *Store) Value(ref string) (Secret, []byte, error) {
	all, unlock, err := s.lock(unix.LOCK_SH)
	if err != nil {
		return Secret{}, nil, err
	}
	defer unlock()
	sec, err := find(all, ref)
	if err != nil {
		return sec, nil, err
	}
	b, err := os.ReadFile(s.dataPath(sec.ID))
	if err != nil {
		return sec, nil, fmt.Errorf("read secret %q: %w", sec.Spec.Name, err)
	}
	return sec, b, nil
}

// Remove deletes the secret ref names and returns its ID.
func (s *Store) Remove(ref string) (string, error) {
	all, unlock, err := s.lock(unix.LOCK_EX)
	if err != nil {
		return "", err
	}
	defer unlock()
	sec, err := find(all, ref)
	if err != nil {
		return "", err
	}
	delete(all, sec.ID)
	if err := s.write(all); err != nil {
		return "", err
	}
	if err := os.Remove(s.dataPath(sec.ID)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("remove secret %q: %w", sec.Spec.Name, err)
	}
	return sec.ID, nil
}
