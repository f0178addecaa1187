package pull

import (
	"fmt"
	"os"
	"path/filepath"

	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"
)

// policyPaths are where the ecosystem keeps policy.json, most specific first.
func policyPaths() []string {
	var paths []string
	if cfg := os.Getenv("XDG_CONFIG_HOME"); cfg != "" {
		paths = append(paths, filepath.Join(cfg, "containers", "policy.json"))
	} else if home := os.Getenv("HOME"); home != "" {
		paths = append(paths, filepath.Join(home, ".config", "containers", "policy.json"))
	}
	return append(paths, "/etc/containers/policy.json")
}

// policyContext honours policy.json when the user or the system has one
// (an unreadable or invalid one is an error). Without any, every image is
// accepted, as husk would otherwise be unusable on hosts without
// containers-common.
func policyContext(sys *types.SystemContext) (*signature.PolicyContext, error) {
	var policy *signature.Policy
	var err error
	if sys != nil && sys.SignaturePolicyPath != "" {
		policy, err = signature.NewPolicyFromFile(sys.SignaturePolicyPath)
	} else {
		found := false
		for _, p := range policyPaths() {
			if _, err := os.Stat(p); err == nil {
				found = true
				break
			}
		}
		if found {
			policy, err = signature.DefaultPolicy(sys)
		} else {
			policy = &signature.Policy{Default: []signature.PolicyRequirement{signature.NewPRInsecureAcceptAnything()}}
		}
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
