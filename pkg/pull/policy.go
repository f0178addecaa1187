package pull

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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

// acceptAnything is policyContext's fallback, as a file.
const acceptAnything = `{"default":[{"type":"insecureAcceptAnything"}]}`

// PolicyFile is the policy file for the libraries that read one (buildah,
// containers/common): "" for policy.json where the ecosystem keeps it,
// else a file in dir that accepts anything, as policyContext does.
func PolicyFile(sys *types.SystemContext, dir string) (string, error) {
	_, err := signature.DefaultPolicy(sys)
	if err == nil {
		return "", nil
	}
	if !errors.Is(err, configfile.ErrConfigFileNotFound) {
		return "", fmt.Errorf("load signature policy: %w", err)
	}
	p := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(p, []byte(acceptAnything), 0o600); err != nil {
		return "", fmt.Errorf("write signature policy: %w", err)
	}
	return p, nil
}
