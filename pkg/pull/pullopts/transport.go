package pullopts

import (
	"fmt"
	"strings"
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
