package runtime

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// Services are the settings that make a container a service: the
// secrets it gets (--secret, secretmounts_linux.go).
type Services struct {
	Secrets []SecretRef `json:"secrets,omitempty"`
}

// resolveServices checks, at create, that the secrets exist, and records
// their IDs.
func resolveServices(env Env, cfg *Config) error {
	return resolveSecrets(env, cfg)
}

// addServices adds the OCI hooks that match the container and its
// secrets to s; uidMap and gidMap are the container's own id maps
// (none: husk's).
func addServices(env Env, c *Container, s *specs.Spec, uidMap, gidMap []spec.IDMap) error {
	if err := addHooks(env, c, s); err != nil {
		return err
	}
	return addSecrets(env, c, s, uidMap, gidMap)
}
