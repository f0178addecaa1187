// Package commitopts holds what husk commit and husk import are asked to
// do, checked without the image machinery: the command binary parses the
// flags with it and hands the work to the helper (pkg/commit).
package commitopts

import (
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// Image formats.
const (
	FormatOCI    = "oci"
	FormatDocker = "docker"
)

// Instructions are the Containerfile instructions --change takes.
var Instructions = []string{"CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}

// Options are husk commit's.
type Options struct {
	// Changes are Containerfile instructions applied to the new image's
	// config (Instructions).
	Changes []string
	// Message is the image's comment (docker format only, as podman).
	Message string
	// Author is the image's author.
	Author string
	// Pause freezes a running container while its layer is read.
	Pause bool
	// Format is FormatOCI or FormatDocker.
	Format string
	// Quiet: no progress, only the new image's ID.
	Quiet bool
	// IIDFile gets the new image's ID.
	IIDFile string
}

// Validate checks what can be checked before the helper starts.
func (o Options) Validate() error {
	switch o.Format {
	case FormatOCI, FormatDocker:
	default:
		return setting.Errorf("{format} %q: use oci or docker", o.Format)
	}
	if o.Message != "" && o.Format != FormatDocker {
		return setting.Errorf("a commit message needs the docker image format: add {format}=docker (an OCI image has no comment)")
	}
	return CheckChanges(o.Changes)
}

// ImportOptions are husk import's.
type ImportOptions struct {
	Changes []string
	// Message is the comment of the image's history step.
	Message string
	Quiet   bool
}

// CheckChanges refuses a change whose instruction --change does not
// take; the helper parses the values.
func CheckChanges(changes []string) error {
	for _, c := range changes {
		word, _, ok := strings.Cut(strings.TrimSpace(c), " ")
		if !ok {
			word, _, ok = strings.Cut(c, "=")
		}
		word = strings.ToUpper(strings.TrimSpace(word))
		if !ok || !known(word) {
			return setting.Errorf("{change} %q: give an instruction and its value, one of %s", c, strings.Join(Instructions, ", "))
		}
	}
	return nil
}

func known(word string) bool {
	for _, i := range Instructions {
		if i == word {
			return true
		}
	}
	return false
}
