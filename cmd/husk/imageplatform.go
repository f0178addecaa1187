//go:build linux

package main

import (
	"fmt"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/storage"
)

// imagePlatform is the os/arch[/variant] a stored image was built for.
func imagePlatform(store *storage.Store, id string) (pullopts.Platform, error) {
	cfg, err := store.ImageConfig(id)
	if err != nil {
		return pullopts.Platform{}, err
	}
	return pullopts.Platform{OS: cfg.OS, Arch: cfg.Architecture, Variant: cfg.Variant}, nil
}

// storedMatches reports whether the stored image id is one --platform
// (want; empty: not given) asks for. Without --platform any stored image
// does, as in podman.
func storedMatches(store *storage.Store, id, want string) (bool, pullopts.Platform, error) {
	if want == "" {
		return true, pullopts.Platform{}, nil
	}
	p, err := pullopts.ParsePlatform(want)
	if err != nil {
		return false, pullopts.Platform{}, err
	}
	have, err := imagePlatform(store, id)
	if err != nil {
		return false, pullopts.Platform{}, err
	}
	return p.Matches(have.OS, have.Arch, have.Variant), have, nil
}

// warnPlatform warns, as podman does, when the image a pull for --platform
// want stored is for another platform (a registry image that is not
// multi-platform is pulled whatever it is built for).
func (a *app) warnPlatform(store *storage.Store, id, want string) {
	ok, have, err := storedMatches(store, id, want)
	if err == nil && !ok {
		fmt.Fprintf(a.stderr, "husk: warning: image %s is for %s, not the requested %s\n", id[:min(12, len(id))], have, want)
	}
}
