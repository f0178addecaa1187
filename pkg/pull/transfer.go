package pull

import (
	"archive/tar"
	"fmt"
	"io"
	"math"
	"strings"

	"go.podman.io/image/v5/docker/reference"
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
