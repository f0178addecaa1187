package pull

import (
	"context"
	"fmt"
	"strings"

	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/pkg/docker/config"
	"go.podman.io/image/v5/types"
)

// registryKey reduces "docker://host/path" or "host/path" to the key
// auth.json uses.
func registryKey(s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(s, "docker://"), "https://"), "http://")
	s = strings.TrimSuffix(s, "/")
	if s == "" {
		return "", fmt.Errorf("%w: empty registry", ErrBadReference)
	}
	return s, nil
}

// Login checks the credentials against the registry and stores them in
// the auth file (${XDG_RUNTIME_DIR}/containers/auth.json by default).
func Login(ctx context.Context, sys *types.SystemContext, registry, user, password string) (string, error) {
	key, err := registryKey(registry)
	if err != nil {
		return "", err
	}
	if err := checkConfigFiles(sys); err != nil {
		return "", err
	}
	host, _, _ := strings.Cut(key, "/")
	if err := docker.CheckAuth(ctx, sys, user, password, host); err != nil {
		return "", fmt.Errorf("log in to %q: %w", host, err)
	}
	path, err := config.SetCredentials(sys, key, user, password)
	if err != nil {
		return "", fmt.Errorf("store credentials for %q: %w", key, err)
	}
	return path, nil
}

// Logout removes stored credentials for a registry, or all with all set.
func Logout(sys *types.SystemContext, registry string, all bool) error {
	if err := checkConfigFiles(sys); err != nil {
		return err
	}
	if all {
		if err := config.RemoveAllAuthentication(sys); err != nil {
			return fmt.Errorf("remove all credentials: %w", err)
		}
		return nil
	}
	key, err := registryKey(registry)
	if err != nil {
		return err
	}
	if err := config.RemoveAuthentication(sys, key); err != nil {
		return fmt.Errorf("remove credentials for %q: %w", key, err)
	}
	return nil
}
