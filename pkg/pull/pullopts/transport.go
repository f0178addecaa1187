package pullopts

import (
	"fmt"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// Transports are the transports husk accepts as a "NAME:" prefix.
var Transports = []string{"docker", "oci", "oci-archive", "docker-archive", "dir"}

// HasTransport reports whether s starts with a transport prefix husk knows.
func HasTransport(s string) bool {
	for _, t := range Transports {
		if strings.HasPrefix(s, t+":") {
			return true
		}
	}
	return false
}

// ArchiveFormat is a save/load file format.
type ArchiveFormat string

const (
	FormatOCIArchive    ArchiveFormat = "oci-archive"
	FormatDockerArchive ArchiveFormat = "docker-archive"
)

// ParseArchiveFormat validates --format of husk save.
func ParseArchiveFormat(s string) (ArchiveFormat, error) {
	switch ArchiveFormat(s) {
	case FormatOCIArchive, FormatDockerArchive:
		return ArchiveFormat(s), nil
	}
	return "", fmt.Errorf("unknown archive format %q: use oci-archive or docker-archive", s)
}

// PushOptions are push's settings beyond the registry's.
type PushOptions struct {
	// ManifestType is the manifest type to write (podman's --format:
	// "oci", "v2s2", "v2s1"); "" keeps the source's, with fallbacks.
	ManifestType string
	// RemoveSignatures drops the source's signatures.
	RemoveSignatures bool
	// SignBy is a GPG key to sign with.
	SignBy string
	// CompressionFormat is the layers' compression ("gzip", "zstd",
	// "zstd:chunked"); "" keeps the default.
	CompressionFormat string
	// DigestFile gets the pushed manifest's digest.
	DigestFile string
	// DirCompress compresses layers pushed to a dir: destination.
	DirCompress bool
}

// manifestTypes are the names podman push --format takes, and the media
// types they mean.
var manifestTypes = map[string]string{
	"oci":  "application/vnd.oci.image.manifest.v1+json",
	"v2s2": "application/vnd.docker.distribution.manifest.v2+json",
	"v2s1": "application/vnd.docker.distribution.manifest.v1+prettyjws",
}

// ManifestMIMEType is the media type of o's ManifestType ("" for none).
func (o PushOptions) ManifestMIMEType() (string, error) {
	if o.ManifestType == "" {
		return "", nil
	}
	if t, ok := manifestTypes[o.ManifestType]; ok {
		return t, nil
	}
	return "", setting.Errorf("unknown {format} %q: use oci, v2s2 or v2s1", o.ManifestType)
}
