package runtime

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/husk-dev/husk/pkg/hooks"
)

// addHooks adds the hooks of env.HooksDirs that match the container; as
// podman, the container has bind mounts when the user gave it bind
// mounts or named volumes.
func addHooks(env Env, c *Container, s *specs.Spec) error {
	set, err := hooks.Load(env.HooksDirs)
	if err != nil || set.Len() == 0 {
		return err
	}
	binds := false
	for _, v := range c.Config.Volumes {
		binds = binds || v.Kind == VolumeBind || (v.Kind == VolumeNamed && !v.Anonymous)
	}
	return set.Apply(s, binds)
}
