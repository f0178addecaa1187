package pull

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// containers/image reads an OCI layout's index.json and manifests, and a
// dir: directory's manifest.json, whole and without a limit, and opens
// whatever file it finds under those names: a named pipe there hangs the
// pull, /dev/zero behind a symbolic link fills the memory. husk looks
// first: every file it is about to read on a user's word must be a regular
// file, and the ones read whole must be no larger than MaxManifestSize.

// ErrNotRegular and ErrFileTooLarge: see pullopts.
var (
	ErrNotRegular   = pullopts.ErrNotRegular
	ErrFileTooLarge = pullopts.ErrFileTooLarge
)

// MaxManifestSize is the largest index.json or manifest husk reads:
// containers/image's limit for manifests from a registry.
const MaxManifestSize = 4 << 20

// maxIndexDepth bounds how far indexes that name indexes are followed.
const maxIndexDepth = 4

func regularFile(what, path string, max int64) (os.FileInfo, error) {
	return pullopts.RegularFile(what, path, max)
}

func checkRegular(what, path string, fi fs.FileInfo, max int64) error {
	return pullopts.CheckRegular(what, path, fi, max)
}

func sizeName(n int64) string { return pullopts.SizeName(n) }

// checkSourceFiles looks at the files a non-registry source will be read
// from before containers/image opens them.
func checkSourceFiles(ref types.ImageReference) error {
	within := ref.StringWithinTransport()
	switch ref.Transport().Name() {
	case "oci":
		dir, _, _ := strings.Cut(within, ":")
		return checkOCILayout(dir)
	case "dir":
		return checkDirSource(within)
	case "oci-archive":
		path, _, _ := strings.Cut(within, ":")
		return checkOCIArchive(path)
	case "docker-archive":
		path, _, _ := strings.Cut(within, ":")
		_, err := regularFile("archive", path, -1)
		return err
	}
	return nil
}

// checkDirSource checks a dir: directory: manifest.json is a regular file
// of at most MaxManifestSize, and every other file in it is regular.
func checkDirSource(dir string) error {
	if _, err := regularFile("dir: manifest", filepath.Join(dir, "manifest.json"), MaxManifestSize); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("dir: %w", err)
	}
	for _, e := range entries {
		if _, err := regularFile("dir: blob", filepath.Join(dir, e.Name()), -1); err != nil {
			return err
		}
	}
	return nil
}

// checkOCILayout checks an OCI layout: index.json and the manifests and
// indexes it names (following nested indexes) are regular files of at most
// MaxManifestSize, and every blob is a regular file.
func checkOCILayout(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("oci layout: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("oci layout %q: not a directory", dir)
	}
	index := filepath.Join(dir, imgspecv1.ImageIndexFile)
	if _, err := regularFile("oci layout index", index, MaxManifestSize); err != nil {
		return err
	}
	blobs := filepath.Join(dir, imgspecv1.ImageBlobsDir)
	algs, err := os.ReadDir(blobs)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("oci layout %q: %w", dir, err)
	}
	for _, a := range algs {
		entries, err := os.ReadDir(filepath.Join(blobs, a.Name()))
		if err != nil {
			return fmt.Errorf("oci layout %q: %w", dir, err)
		}
		for _, e := range entries {
			p := filepath.Join(blobs, a.Name(), e.Name())
			if _, err := regularFile("oci layout blob", p, -1); err != nil {
				return err
			}
		}
	}
	blobPath := func(d digest.Digest) string {
		return filepath.Join(blobs, d.Algorithm().String(), d.Encoded())
	}
	seen := map[digest.Digest]bool{}
	var walk func(file string, depth int) error
	walk = func(file string, depth int) error {
		b, err := readCapped(file, MaxManifestSize)
		if err != nil {
			return err
		}
		var idx imgspecv1.Index
		if json.Unmarshal(b, &idx) != nil {
			return nil // containers/image says what is wrong with it
		}
		for _, m := range idx.Manifests {
			if m.Digest.Validate() != nil || seen[m.Digest] {
				continue
			}
			seen[m.Digest] = true
			p := blobPath(m.Digest)
			fi, err := os.Stat(p)
			if err != nil {
				continue // a missing blob is containers/image's to report
			}
			if err := checkRegular("oci layout manifest", p, fi, MaxManifestSize); err != nil {
				return err
			}
			if isIndex(m.MediaType) && depth < maxIndexDepth {
				if err := walk(p, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(index, 0)
}

func isIndex(mediaType string) bool {
	return mediaType == imgspecv1.MediaTypeImageIndex || mediaType == "application/vnd.docker.distribution.manifest.list.v2+json"
}

// readCapped reads a file checked to be at most max bytes, and no more
// than that should it have grown since.
func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%q %w of %s", path, ErrFileTooLarge, sizeName(max))
	}
	return b, nil
}

// checkOCIArchive checks an oci-archive file, which containers/image
// unpacks whole into a directory and then reads as a layout: the file is
// regular; its entries are regular files or directories; index.json and
// the manifests it names are at most MaxManifestSize.
func checkOCIArchive(path string) error {
	if _, err := regularFile("archive", path, -1); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open archive: %w", err)
	}
	defer f.Close()
	sizes := map[string]int64{}
	var index []byte
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read archive %q: %w", path, err)
		}
		name := strings.TrimPrefix(filepath.Clean("/"+h.Name), "/")
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeDir:
		default:
			return fmt.Errorf("archive %q: entry %q: %w (tar type %q): an OCI archive holds only files and directories", path, h.Name, ErrNotRegular, string(h.Typeflag))
		}
		sizes[name] = h.Size
		if name == imgspecv1.ImageIndexFile {
			if h.Size > MaxManifestSize {
				return fmt.Errorf("archive %q: index.json (%d bytes) %w of %s", path, h.Size, ErrFileTooLarge, sizeName(MaxManifestSize))
			}
			if index, err = io.ReadAll(io.LimitReader(tr, MaxManifestSize)); err != nil {
				return fmt.Errorf("read archive %q: %w", path, err)
			}
		}
	}
	var idx imgspecv1.Index
	if index == nil || json.Unmarshal(index, &idx) != nil {
		return nil // containers/image says what is wrong
	}
	for _, m := range idx.Manifests {
		if m.Digest.Validate() != nil {
			continue
		}
		name := filepath.Join(imgspecv1.ImageBlobsDir, m.Digest.Algorithm().String(), m.Digest.Encoded())
		if n := sizes[name]; n > MaxManifestSize {
			return fmt.Errorf("archive %q: manifest %s (%d bytes) %w of %s", path, m.Digest, n, ErrFileTooLarge, sizeName(MaxManifestSize))
		}
	}
	return nil
}

// checkConfigFiles: see pullopts.CheckConfigFiles.
func checkConfigFiles(sys *types.SystemContext) error { return pullopts.CheckConfigFiles(sys) }
