package oci

import (
	"fmt"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// GlobalOptions turns --runtime-flag values into the runtime's global
// options, as podman does: "debug" is --debug, "log=FILE" is --log=FILE.
// A value must be an option name (with an optional =VALUE): a leading
// dash, white space or NUL is refused.
func GlobalOptions(flags []string) ([]string, error) {
	var out []string
	for _, f := range flags {
		name, _, _ := strings.Cut(f, "=")
		switch {
		case name == "":
			return nil, setting.Errorf("{runtime-flag} %q: give an option of the runtime without its dashes (e.g. debug, log=FILE)", f)
		case strings.HasPrefix(name, "-"):
			return nil, setting.Errorf("{runtime-flag} %q: give the option without its dashes (%q)", f, strings.TrimLeft(f, "-"))
		case strings.ContainsAny(name, " \t\n\x00"):
			return nil, setting.Errorf("{runtime-flag} %q: %s", f, fmt.Sprintf("option name %q contains white space or NUL", name))
		case strings.IndexByte(f, 0) >= 0:
			return nil, setting.Errorf("{runtime-flag} %q: contains a NUL byte", f)
		}
		out = append(out, "--"+f)
	}
	return out, nil
}
