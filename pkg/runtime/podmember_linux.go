package runtime

import (
	"errors"
	"fmt"
)

// PodMember says which pod a container belongs to (pkg/pod owns pods;
// the runtime only keeps the reference, so that ps, inspect and rm see
// it without loading pods).
type PodMember struct {
	// Pod is the ID of the container's pod ("": none).
	Pod string `json:"pod,omitempty"`
	// Infra marks the pod's infra container: it holds the namespaces the
	// pod's containers share, and goes only with its pod.
	Infra bool `json:"infra,omitempty"`
	// Holder marks the first container of a pod made without an infra
	// container but with shared namespaces (--infra=false --share): it
	// holds them for the pod's other containers.
	Holder bool `json:"podHolder,omitempty"`
}

// ErrInfraContainer is returned for removing a pod's infra container on
// its own.
var ErrInfraContainer = errors.New("it is the infra container of a pod")

// infraRemoveError refuses to remove c, a pod's infra container, without
// its pod (podman's wording and exit code 125).
func infraRemoveError(c *Container) error {
	return fmt.Errorf("container %s is the infra container of pod %s and cannot be removed without removing the pod: %w (husk pod rm)", c.ID, c.Config.Pod, ErrInfraContainer)
}

// RandomName is a random name of the kind containers get, for pods.
func RandomName() string { return randomName() }
