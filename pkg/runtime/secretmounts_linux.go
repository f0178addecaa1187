package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/spec"
	"github.com/husk-dev/husk/pkg/secrets"
)

// SecretRef is one --secret: the secret Name (its ID recorded at create,
// for inspect) given as a file at Target (type=mount, owned UID:GID with
// Mode) or as the variable Target (type=env).
type SecretRef struct {
	Name   string `json:"name"`
	ID     string `json:"id,omitempty"`
	Env    bool   `json:"env,omitempty"`
	Target string `json:"target"`
	UID    uint32 `json:"uid,omitempty"`
	GID    uint32 `json:"gid,omitempty"`
	Mode   uint32 `json:"mode,omitempty"`
}

// SecretsDir is where a secret of type=mount lands by default.
const SecretsDir = "/run/secrets"

// resolveSecrets checks that the secrets exist and records their IDs.
func resolveSecrets(env Env, cfg *Config) error {
	for i, ref := range cfg.Secrets {
		if env.Secrets == nil {
			return fmt.Errorf("secret %q: no secret store", ref.Name)
		}
		sec, err := env.Secrets.Lookup(ref.Name)
		if err != nil {
			return setting.Errorf("{secret}: %w: create it with husk secret create", err)
		}
		cfg.Secrets[i].ID = sec.ID
	}
	return nil
}

// addSecrets binds the container's copies of its file secrets read-only
// and sets its variable secrets.
func addSecrets(env Env, c *Container, s *specs.Spec, uidMap, gidMap []spec.IDMap) error {
	for i, ref := range c.Config.Secrets {
		if !ref.Env {
			// As podman: the container keeps the copy made when it was
			// made, whatever becomes of the secret.
			src := secretFile(c.Dir, i, ref)
			if _, err := os.Stat(src); err != nil {
				data, err := secretValue(env, c, ref)
				if err != nil {
					return err
				}
				if err := writeSecretFile(src, ref, data, mapID(ref.UID, uidMap), mapID(ref.GID, gidMap)); err != nil {
					return err
				}
			}
			s.Mounts = append(s.Mounts, specs.Mount{Destination: ref.Target, Type: "bind", Source: src,
				Options: []string{"rbind", "ro", "nosuid", "nodev", "noexec", "rprivate"}})
			continue
		}
		// A variable is read from the store at each start, as podman.
		data, err := secretValue(env, c, ref)
		if err != nil {
			return err
		}
		s.Process.Env = append(withoutVar(s.Process.Env, ref.Target), ref.Target+"="+string(data))
	}
	return nil
}

// secretValue reads the value of the container's secret ref.
func secretValue(env Env, c *Container, ref SecretRef) ([]byte, error) {
	if env.Secrets == nil {
		return nil, fmt.Errorf("secret %q: no secret store", ref.Name)
	}
	// By name, as podman: a secret made again under the name is used.
	_, data, err := env.Secrets.Value(ref.Name)
	if errors.Is(err, secrets.ErrNoSuchSecret) {
		return nil, fmt.Errorf("secret %q of container %s is gone: %w: create it again, or make the container again without it", ref.Name, c.Name, err)
	}
	return data, err
}

// secretFile is where the container's copy of its i-th secret is: in
// its directory, outside its layer.
func secretFile(ctrDir string, i int, ref SecretRef) string {
	return filepath.Join(ctrDir, "secrets", fmt.Sprintf("%d-%s", i, ref.Name))
}

// writeSecretFile writes a copy of a value at p, for a read-only bind
// mount.
func writeSecretFile(p string, ref SecretRef, data []byte, uid, gid uint32) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("secret %q: %w", ref.Name, err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("secret %q: %w", ref.Name, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chown(p, int(uid), int(gid))
	}
	if err == nil {
		err = os.Chmod(p, os.FileMode(ref.Mode&0o7777))
	}
	if err != nil {
		_ = os.Remove(p)
		return fmt.Errorf("secret %q: %w", ref.Name, err)
	}
	return nil
}

// withoutVar is env without the variable name.
func withoutVar(env []string, name string) []string {
	var out []string
	for _, e := range env {
		if n, _, _ := strings.Cut(e, "="); n != name {
			out = append(out, e)
		}
	}
	return out
}

// SecretEnvNames are the variables secrets set, which inspect hides.
func (s Services) SecretEnvNames() map[string]bool {
	names := map[string]bool{}
	for _, ref := range s.Secrets {
		if ref.Env {
			names[ref.Target] = true
		}
	}
	return names
}
