package inspect

import (
	"encoding/json"
	"strings"

	"github.com/husk-dev/husk/pkg/runtime"
)

// secretsOf is env without the variables secrets set (their values are
// in config.json, and podman does not show them either), and the secrets
// given as files.
func secretsOf(s runtime.Services, env []string) ([]string, []Secret) {
	hidden := s.SecretEnvNames()
	out := []string{}
	for _, e := range env {
		if name, _, _ := strings.Cut(e, "="); !hidden[name] {
			out = append(out, e)
		}
	}
	var files []Secret
	for _, ref := range s.Secrets {
		if !ref.Env {
			files = append(files, Secret{Name: ref.Name, ID: ref.ID, UID: ref.UID, GID: ref.GID, Mode: ref.Mode})
		}
	}
	return out, files
}

// redactSecretEnv is config.json without the variables secrets set
// (kept as it is when there are none; nil when it cannot be read).
func redactSecretEnv(raw []byte, s runtime.Services) []byte {
	hidden := s.SecretEnvNames()
	if len(hidden) == 0 {
		return raw
	}
	var doc map[string]any
	if json.Unmarshal(raw, &doc) != nil {
		return nil
	}
	if p, ok := doc["process"].(map[string]any); ok {
		if env, ok := p["env"].([]any); ok {
			kept := []any{}
			for _, e := range env {
				str, _ := e.(string)
				if name, _, _ := strings.Cut(str, "="); !hidden[name] {
					kept = append(kept, e)
				}
			}
			p["env"] = kept
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil
	}
	return b
}
