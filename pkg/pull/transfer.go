package pull

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ociarchive "go.podman.io/image/v5/oci/archive"
	is "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/pkg/storage"

	"github.com/husk-dev/husk/internal/userfile"
)

// storeSource finds an image in the store and returns a reference to it
// and the name it matched (or its first name).
func storeSource(store *storage.Store, ref string) (types.ImageReference, string, error) {
	img, matched, err := store.Lookup(ref)
	if err != nil {
		return nil, "", err
	}
	if matched == "" && len(img.Names) > 0 {
		matched = img.Names[0]
	}
	sref, err := is.Transport.NewStoreReference(store.Store, nil, img.ID)
	if err != nil {
		return nil, "", fmt.Errorf("store reference %q: %w", ref, err)
	}
	return sref, matched, nil
}

// SaveOptions control Save.
type SaveOptions struct {
	Format   ArchiveFormat
	Progress io.Writer
}

// Save writes a stored image to an archive file at path, keeping its name
// inside the archive so that load restores it.
func Save(ctx context.Context, store *storage.Store, image, path string, opts SaveOptions) error {
	src, name, err := storeSource(store, image)
	if err != nil {
		return err
	}
	var dest types.ImageReference
	switch opts.Format {
	case FormatDockerArchive, "":
		var tagged reference.NamedTagged
		if name != "" {
			if n, err := reference.ParseNormalizedNamed(name); err == nil {
				tagged, _ = reference.TagNameOnly(n).(reference.NamedTagged)
			}
		}
		dest, err = dockerarchive.NewReference(path, tagged)
	case FormatOCIArchive:
		dest, err = ociarchive.NewReference(path, name)
	default:
		return fmt.Errorf("unknown archive format %q", opts.Format)
	}
	if err != nil {
		return fmt.Errorf("archive reference %q: %w", path, err)
	}
	// docker-archive appends to an existing file; save replaces it. Only
	// regular files are removed (never a device or /dev/stdout).
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("replace %q: %w", path, err)
		}
	}
	if err := copyImage(ctx, dest, src, nil, nil, opts.Progress); err != nil {
		if fi, serr := os.Lstat(path); serr == nil && fi.Mode().IsRegular() {
			_ = os.Remove(path)
		}
		return fmt.Errorf("save %q to %q: %w", image, path, err)
	}
	return nil
}

// Load reads an oci-archive or docker-archive file (detected from its
// contents) into the store. Images keep the name recorded in the archive;
// an archive without one gives a localhost/ name after the file.
func Load(ctx context.Context, store *storage.Store, path string, progress io.Writer) (Result, error) {
	if _, err := regularFile("archive", path, -1); err != nil {
		if errors.Is(err, ErrNotRegular) {
			err = fmt.Errorf("%w: give it to husk load on its standard input instead of -i", err)
		}
		return Result{}, err
	}
	format, err := detectArchive(path)
	if err != nil {
		return Result{}, err
	}
	var src types.ImageReference
	switch format {
	case FormatDockerArchive:
		src, err = dockerArchiveImage(path)
	case FormatOCIArchive:
		if err := checkOCIArchive(path); err != nil {
			return Result{}, err
		}
		src, err = ociarchive.NewReference(path, "")
	}
	if err != nil {
		return Result{}, fmt.Errorf("open archive %q: %w", path, err)
	}
	name, err := archiveName(src, format, path)
	if err != nil {
		return Result{}, err
	}
	before, err := store.LayerIDs()
	if err != nil {
		return Result{}, err
	}
	release := holdLibraryLog()
	res, err := copyIn(ctx, store, src, name, Options{Progress: progress})
	if err != nil {
		if cerr := store.RemoveOrphanLayers(before); cerr != nil {
			err = errors.Join(err, cerr)
		}
		release(false)
		return Result{}, fmt.Errorf("load %q: %w", path, err)
	}
	release(true)
	return res, nil
}

// archiveName is the name recorded in an archive (docker RepoTags, OCI
// ref.name annotation when it is a full reference), else localhost/FILE.
func archiveName(src types.ImageReference, format ArchiveFormat, path string) (reference.Named, error) {
	if n := src.DockerReference(); n != nil {
		return reference.TagNameOnly(n), nil
	}
	if format == FormatOCIArchive {
		if ann, err := ociRefName(path); err == nil && ann != "" {
			if n, err := reference.ParseNormalizedNamed(ann); err == nil && strings.ContainsAny(ann, "/:") {
				return reference.TagNameOnly(n), nil
			}
		}
	}
	return localName(src)
}

// detectArchive tells an OCI archive (index.json, oci-layout) from a
// docker archive (manifest.json) by looking at the tar's entries.
func detectArchive(path string) (ArchiveFormat, error) {
	f, err := userfile.Open(path, math.MaxInt64) // a FIFO must not hang the open
	if err != nil {
		return "", fmt.Errorf("open archive: %w", err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("read archive %q: not a tar file: %w", path, err)
		}
		switch strings.TrimPrefix(h.Name, "./") {
		case "oci-layout", "index.json":
			return FormatOCIArchive, nil
		case "manifest.json":
			return FormatDockerArchive, nil
		}
	}
	return "", fmt.Errorf("archive %q is neither an OCI archive (no index.json) nor a docker archive (no manifest.json)", path)
}

// dockerArchiveImage returns a reference to the one image in a docker
// archive, carrying its first RepoTag when it has one.
func dockerArchiveImage(path string) (types.ImageReference, error) {
	r, err := dockerarchive.NewReader(nil, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	images, err := r.List()
	if err != nil {
		return nil, err
	}
	switch len(images) {
	case 0:
		return nil, fmt.Errorf("no image in the archive")
	case 1:
	default:
		return nil, fmt.Errorf("the archive holds %d images; husk loads archives with one image", len(images))
	}
	if len(images[0]) == 0 {
		return nil, fmt.Errorf("no image in the archive")
	}
	// The listed references read through r; make one that opens the file
	// itself.
	if tagged, ok := images[0][0].DockerReference().(reference.NamedTagged); ok {
		return dockerarchive.NewReference(path, tagged)
	}
	return dockerarchive.NewIndexReference(path, 0)
}
