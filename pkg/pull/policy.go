package pull

import (
	"errors"
	"fmt"

	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage/pkg/configfile"
)

// policyContext honours policy.json wherever the ecosystem looks for it
// ($XDG_CONFIG_HOME/containers, /etc/containers, /usr/share/containers,
// $CONTAINERS_POLICY_JSON); an unreadable or invalid one is an error.
// Without any, every image is accepted, as husk would otherwise be unusable
// on hosts without containers-common.
func policyContext(sys *types.SystemContext) (*signature.PolicyContext, error) {
	policy, err := signature.DefaultPolicy(sys)
	if errors.Is(err, configfile.ErrConfigFileNotFound) {
		policy, err = &signature.Policy{Default: []signature.PolicyRequirement{signature.NewPRInsecureAcceptAnything()}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load signature policy: %w", err)
	}
	pc, err := signature.NewPolicyContext(policy)
	if err != nil {
		return nil, fmt.Errorf("load signature policy: %w", err)
	}
	return pc, nil
}
