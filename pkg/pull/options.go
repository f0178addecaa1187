package pull

import "github.com/husk-dev/husk/pkg/pull/pullopts"

// The settings types live in pullopts (which links none of the copy
// machinery); these names keep package pull's API whole.
type (
	RegistryOptions = pullopts.RegistryOptions
	Platform        = pullopts.Platform
	ArchiveFormat   = pullopts.ArchiveFormat
)

const (
	FormatOCIArchive    = pullopts.FormatOCIArchive
	FormatDockerArchive = pullopts.FormatDockerArchive
)

// ParsePlatform parses os/arch[/variant].
func ParsePlatform(s string) (Platform, error) { return pullopts.ParsePlatform(s) }

// HasTransport reports whether s starts with a transport prefix husk knows.
func HasTransport(s string) bool { return pullopts.HasTransport(s) }

// ParseArchiveFormat validates --format of husk save.
func ParseArchiveFormat(s string) (ArchiveFormat, error) { return pullopts.ParseArchiveFormat(s) }
