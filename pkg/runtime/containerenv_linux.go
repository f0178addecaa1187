package runtime

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// containerEnvMount writes the file podman mounts at /run/.containerenv,
// by which programs tell they run in a container: empty, and with
// podman's keys (engine, name, id, image, imageid, rootless) for a
// --privileged container, as podman has it.
func containerEnvMount(dir string, c *Container, rootless bool) (spec.Mount, error) {
	var b []byte
	if c.Config.Privileged {
		r := 0
		if rootless {
			r = 1
		}
		b = fmt.Appendf(nil, "engine=%q\nname=%q\nid=%q\nimage=%q\nimageid=%q\nrootless=%d\n",
			"husk", c.Name, c.ID, c.Config.Image, c.Config.ImageID, r)
	}
	p := filepath.Join(dir, "containerenv")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return spec.Mount{}, fmt.Errorf("write .containerenv: %w", err)
	}
	return spec.Mount{Type: "bind", Source: p, Destination: "/run/.containerenv", Options: []string{"bind"}}, nil
}

// withContainerEnv adds the /run/.containerenv mount to mounts.
func withContainerEnv(mounts []spec.Mount, c *Container, rootless bool) ([]spec.Mount, error) {
	m, err := containerEnvMount(c.Dir, c, rootless)
	if err != nil {
		return nil, err
	}
	return append(mounts, m), nil
}
