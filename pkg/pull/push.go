package pull

import (
	"context"
	"fmt"
	"io"

	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/pkg/storage"
)

// PushOptions control Push.
type PushOptions struct {
	Sys      *types.SystemContext
	Progress io.Writer
}

// Push copies an image to dest. The source is a stored image (by name or
// ID) or, with a transport prefix, any transport; dest is a registry name
// (docker:// implied) or a transport reference, and defaults to the
// source's registry name.
func Push(ctx context.Context, store *storage.Store, src, dest string, opts PushOptions) error {
	var srcRef types.ImageReference
	var name string
	if err := checkConfigFiles(opts.Sys); err != nil {
		return err
	}
	var err error
	if HasTransport(src) {
		s, err := ParseSource(src)
		if err != nil {
			return err
		}
		if s.IsRegistry() {
			n, err := reference.ParseNormalizedNamed(s.Name)
			if err != nil {
				return fmt.Errorf("%w %q: %v", ErrBadReference, s.Name, err)
			}
			if srcRef, err = dockerRef(reference.TagNameOnly(n)); err != nil {
				return err
			}
		} else {
			srcRef = s.Ref
		}
	} else {
		srcRef, name, err = storeSource(store, src)
		if err != nil {
			return err
		}
	}
	if dest == "" {
		if name == "" {
			return fmt.Errorf("push %q: no destination given and the image has no registry name", src)
		}
		dest = name
	}
	d, err := ParseSource(dest)
	if err != nil {
		return err
	}
	destRef := d.Ref
	if d.IsRegistry() {
		n, err := qualified(d.Name)
		if err != nil {
			return err
		}
		if destRef, err = dockerRef(n); err != nil {
			return err
		}
	}
	if err := copyImage(ctx, destRef, srcRef, opts.Sys, opts.Sys, opts.Progress); err != nil {
		return fmt.Errorf("push %s: %w", transportName(destRef), err)
	}
	return nil
}
