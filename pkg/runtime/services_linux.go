package runtime

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// Services are the settings that make a container a service: the
// secrets it gets (--secret, secretmounts_linux.go) and an init process
// (--init, init_linux.go).
type Services struct {
	Secrets []SecretRef `json:"secrets,omitempty"`
	// Init runs InitPath (resolved at create) as the container's PID 1,
	// with the command as its child.
	Init     bool   `json:"init,omitempty"`
	InitPath string `json:"initPath,omitempty"`
	// Healthcheck is the container's healthcheck (health_linux.go),
	// resolved at create from HealthRequest and the image's; nil: none.
	Healthcheck     *HealthConfig   `json:"healthcheck,omitempty"`
	HealthOnFailure HealthOnFailure `json:"healthOnFailure,omitempty"`
	HealthRequest   HealthRequest   `json:"-"`
}

// resolveServices checks, at create, that the secrets exist and an init
// is there, and records the secrets' IDs and the init's path.
func resolveServices(env Env, cfg *Config) error {
	if err := resolveSecrets(env, cfg); err != nil {
		return err
	}
	return resolveInit(cfg)
}

// addServices adds the OCI hooks that match the container, its secrets
// and its init to s; uidMap and gidMap are the container's own id maps
// (none: husk's).
func addServices(env Env, c *Container, s *specs.Spec, uidMap, gidMap []spec.IDMap) error {
	// Hooks first: their commands condition is about the container's
	// command, not the init.
	if err := addHooks(env, c, s); err != nil {
		return err
	}
	if err := addSecrets(env, c, s, uidMap, gidMap); err != nil {
		return err
	}
	if err := addNotifySocket(c, s); err != nil {
		return err
	}
	return addInit(c, s)
}
