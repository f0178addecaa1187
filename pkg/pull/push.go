package pull

import (
	"context"
	"fmt"
	"io"
	"os"

	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/pkg/compression"

	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/storage"
)

// PushOptions control Push.
type PushOptions struct {
	Sys      *types.SystemContext
	Progress io.Writer
	Settings pullopts.PushOptions
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
	copts, err := pushCopyOptions(opts)
	if err != nil {
		return err
	}
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
	m, err := copyImageWith(ctx, destRef, srcRef, copts)
	if err != nil {
		return fmt.Errorf("push %s: %w", transportName(destRef), err)
	}
	return writeDigestFile(opts.Settings.DigestFile, m)
}

// pushCopyOptions turns push's settings into containers/image's.
func pushCopyOptions(opts PushOptions) (copy.Options, error) {
	s := opts.Settings
	if s.SignBy != "" {
		// containers/image built with containers_image_openpgp (no
		// gpgme, no cgo library) verifies signatures but cannot make
		// them: its signing mechanism always fails.
		return copy.Options{}, setting.Errorf("{sign-by} %q: husk cannot sign images (its OpenPGP library verifies signatures only): push, then sign with skopeo (standalone-sign, or copy with its own sign-by option)", s.SignBy)
	}
	mime, err := s.ManifestMIMEType()
	if err != nil {
		return copy.Options{}, err
	}
	dest := types.SystemContext{}
	if opts.Sys != nil {
		dest = *opts.Sys
	}
	dest.DirForceCompress = s.DirCompress
	o := copy.Options{
		ReportWriter:          opts.Progress,
		SourceCtx:             opts.Sys,
		DestinationCtx:        &dest,
		ForceManifestMIMEType: mime,
		RemoveSignatures:      s.RemoveSignatures,
	}
	if s.CompressionFormat != "" {
		algo, err := compression.AlgorithmByName(s.CompressionFormat)
		if err != nil {
			return copy.Options{}, setting.Errorf("{compression-format} %q: %w: use gzip, zstd or zstd:chunked", s.CompressionFormat, err)
		}
		dest.CompressionFormat = &algo
		// podman 4.3.1's containers/image recompressed layers stored in
		// one format; today's reuses a registry's blobs in another
		// unless forced, as later podman does (--force-compression,
		// on by default with --compression-format).
		o.ForceCompressionFormat = true
	}
	return o, nil
}

// writeDigestFile writes the digest of manifest m to path, as podman
// push --digestfile.
func writeDigestFile(path string, m []byte) error {
	if path == "" {
		return nil
	}
	d, err := manifest.Digest(m)
	if err != nil {
		return fmt.Errorf("digest of the pushed manifest: %w", err)
	}
	if err := os.WriteFile(path, []byte(d.String()), 0o644); err != nil {
		return fmt.Errorf("write digest file: %w", err)
	}
	return nil
}
