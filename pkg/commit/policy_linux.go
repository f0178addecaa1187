package commit

import (
	"errors"
	"fmt"

	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage/pkg/configfile"
)

// policy returns the signature policy for copying local content (a
// container's layer, a tarball) into the store: policy.json where the
// ecosystem keeps it, else, on hosts without one, accept anything, as
// husk pull does; a policy.json that cannot be read is an error.
func policy(sys *types.SystemContext) (*signature.Policy, error) {
	p, err := signature.DefaultPolicy(sys)
	if errors.Is(err, configfile.ErrConfigFileNotFound) {
		return &signature.Policy{Default: []signature.PolicyRequirement{signature.NewPRInsecureAcceptAnything()}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load signature policy: %w", err)
	}
	return p, nil
}
