// Package ensure makes sure the image run and create need is in the
// store, as the pull policy says (pull it when missing, always, or
// never), and that a stored image is for the platform asked for. It does
// not pull itself: the caller's pull function does (in process, or in the
// transfer helper).
package ensure

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/storage"
)

// Options say how to make an image available.
type Options struct {
	// Policy is missing (the default), always, never or newer (as
	// always: a pull fetches only what the registry has that differs
	// from the stored image, and stores the registry's).
	Policy string
	// Platform is the OS/ARCH[/VARIANT] asked for ("": any stored image,
	// the host's when pulling).
	Platform string
	// Pull pulls the image and returns its ID.
	Pull func(ctx context.Context, image string) (string, error)
	// Warn gets a warning when a pulled image is for another platform.
	Warn io.Writer
}

// Image makes image available in store as o says, and returns the
// reference to create the container from: image itself when it was
// stored, else the pulled image's ID.
func Image(ctx context.Context, store *storage.Store, image string, o Options) (string, error) {
	policy := o.Policy
	switch policy {
	case "missing", "always", "never":
	case "newer":
		policy = "always"
	default:
		return "", setting.Errorf("invalid {pull} %q: use missing, always, never or newer", policy)
	}
	if _, err := pullopts.ParsePlatform(o.Platform); err != nil {
		return "", err
	}
	if policy != "always" && !pullopts.HasTransport(image) {
		if img, matched, err := store.Lookup(image); err == nil {
			// A stored image of another platform than asked for is pulled
			// again, as podman does; one named by ID is what the user
			// chose.
			ok, have, err := storedMatches(store, img.ID, o.Platform)
			if err != nil {
				return "", err
			}
			if ok || matched == "" {
				return image, nil
			}
			if policy == "never" {
				return "", setting.Errorf("image %q in the store is for %s, not %s, and {pull}=never was given: pull it with {platform} %s first",
					image, have, o.Platform, o.Platform)
			}
		} else if !errors.Is(err, storage.ErrImageUnknown) || policy == "never" {
			if policy == "never" && errors.Is(err, storage.ErrImageUnknown) {
				return "", setting.Errorf("image %q is not in the store and {pull}=never was given: pull it first", image)
			}
			return "", err
		}
	}
	id, err := o.Pull(ctx, image)
	if err == nil {
		warnPlatform(o.Warn, store, id, o.Platform)
	}
	return id, err
}

// imagePlatform is the os/arch[/variant] a stored image was built for.
func imagePlatform(store *storage.Store, id string) (pullopts.Platform, error) {
	cfg, err := store.ImageConfig(id)
	if err != nil {
		return pullopts.Platform{}, err
	}
	return pullopts.Platform{OS: cfg.OS, Arch: cfg.Architecture, Variant: cfg.Variant}, nil
}

// storedMatches reports whether the stored image id is one the platform
// want (empty: not given) asks for. Without a platform any stored image
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

// warnPlatform warns, as podman does, when the image a pull for platform
// want stored is for another platform (a registry image that is not
// multi-platform is pulled whatever it is built for).
func warnPlatform(w io.Writer, store *storage.Store, id, want string) {
	ok, have, err := storedMatches(store, id, want)
	if err == nil && !ok && w != nil {
		fmt.Fprintf(w, "husk: warning: image %s is for %s, not the requested %s\n", id[:min(12, len(id))], have, want)
	}
}
