package pullopts

import (
	"fmt"
	"runtime"
	"strings"
)

// Platform is a parsed --platform value.
type Platform struct {
	OS, Arch, Variant string
}

// knownOS and knownArch are the OCI (that is, Go) names of platforms an
// image can be built for; archAliases maps the other names in use on
// them (uname -m, Debian) to those.
var (
	knownOS = map[string]bool{
		"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "illumos": true,
		"ios": true, "js": true, "linux": true, "netbsd": true, "openbsd": true, "plan9": true,
		"solaris": true, "wasip1": true, "windows": true, "zos": true,
	}
	knownArch = map[string]bool{
		"386": true, "amd64": true, "arm": true, "arm64": true, "loong64": true, "mips": true,
		"mips64": true, "mips64le": true, "mipsle": true, "ppc64": true, "ppc64le": true,
		"riscv64": true, "s390x": true, "sparc64": true, "wasm": true,
	}
	archAliases = map[string]string{
		"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "i386": "386", "i686": "386",
		"armhf": "arm", "armel": "arm", "riscv": "riscv64", "loongarch64": "loong64",
	}
)

// ParsePlatform parses os/arch[/variant]; an OS or architecture no image
// is built for is an error.
func ParsePlatform(s string) (Platform, error) {
	if s == "" {
		return Platform{}, nil
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return Platform{}, fmt.Errorf("invalid platform %q: expected os/arch[/variant], e.g. linux/arm64", s)
	}
	p := Platform{OS: strings.ToLower(parts[0]), Arch: strings.ToLower(parts[1])}
	if a, ok := archAliases[p.Arch]; ok {
		p.Arch = a
	}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	if !knownOS[p.OS] {
		return Platform{}, fmt.Errorf("invalid platform %q: unknown OS %q (e.g. linux, windows)", s, parts[0])
	}
	if !knownArch[p.Arch] {
		return Platform{}, fmt.Errorf("invalid platform %q: unknown architecture %q (e.g. amd64, arm64, arm, 386, ppc64le, s390x, riscv64)", s, parts[1])
	}
	return p, nil
}

// String is os/arch[/variant].
func (p Platform) String() string {
	s := p.OS + "/" + p.Arch
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// Matches reports whether an image built for os/arch/variant is one p
// asks for. A zero p asks for the host's; a p without a variant takes any;
// an image that names no platform matches every one (there is nothing to
// pick it by).
func (p Platform) Matches(os, arch, variant string) bool {
	if os == "" && arch == "" {
		return true
	}
	want := p
	if want.OS == "" {
		want = Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}
	}
	if a, ok := archAliases[strings.ToLower(arch)]; ok {
		arch = a
	}
	if !strings.EqualFold(os, want.OS) || !strings.EqualFold(arch, want.Arch) {
		return false
	}
	return want.Variant == "" || variant == "" || variant == want.Variant
}

// JoinPlatform forms OS/ARCH[/VARIANT] from the parts given (--os, --arch,
// --variant), with the host's OS and architecture for the others; "" when
// none is given.
func JoinPlatform(osName, arch, variant string) string {
	if osName == "" && arch == "" && variant == "" {
		return ""
	}
	if osName == "" {
		osName = runtime.GOOS
	}
	if arch == "" {
		arch = runtime.GOARCH
	}
	p := osName + "/" + arch
	if variant != "" {
		p += "/" + variant
	}
	return p
}
