package pullopts

import (
	"runtime"
	"strings"
	"testing"
)

func TestParsePlatformKnownNames(t *testing.T) {
	for in, want := range map[string]Platform{
		"linux/arm64":       {OS: "linux", Arch: "arm64"},
		"linux/arm/v7":      {OS: "linux", Arch: "arm", Variant: "v7"},
		"linux/x86_64":      {OS: "linux", Arch: "amd64"},
		"Linux/AARCH64":     {OS: "linux", Arch: "arm64"},
		"windows/amd64":     {OS: "windows", Arch: "amd64"},
		"linux/riscv64":     {OS: "linux", Arch: "riscv64"},
		"linux/ppc64le":     {OS: "linux", Arch: "ppc64le"},
		"linux/s390x":       {OS: "linux", Arch: "s390x"},
		"freebsd/386":       {OS: "freebsd", Arch: "386"},
		"linux/arm64/v8":    {OS: "linux", Arch: "arm64", Variant: "v8"},
		"linux/loongarch64": {OS: "linux", Arch: "loong64"},
	} {
		got, err := ParsePlatform(in)
		if err != nil || got != want {
			t.Errorf("%q: got %+v %v, want %+v", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"evil/arch":   `unknown OS "evil"`,
		"linux/arch":  `unknown architecture "arch"`,
		"linux":       "expected os/arch",
		"linux/":      "expected os/arch",
		"a/b/c/d":     "expected os/arch",
		"linux/amd65": `unknown architecture "amd65"`,
	} {
		if _, err := ParsePlatform(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: got %v, want an error containing %q", in, err, msg)
		}
	}
}

func TestPlatformMatches(t *testing.T) {
	arm := Platform{OS: "linux", Arch: "arm64"}
	tests := []struct {
		p                 Platform
		os, arch, variant string
		want              bool
	}{
		{arm, "linux", "arm64", "", true},
		{arm, "linux", "arm64", "v8", true},
		{arm, "linux", "aarch64", "", true},
		{arm, "linux", "amd64", "", false},
		{arm, "windows", "arm64", "", false},
		{Platform{OS: "linux", Arch: "arm", Variant: "v7"}, "linux", "arm", "v6", false},
		{Platform{OS: "linux", Arch: "arm", Variant: "v7"}, "linux", "arm", "", true},
		{arm, "", "", "", true}, // a config that names no platform
		{Platform{}, runtime.GOOS, runtime.GOARCH, "", true},
		{Platform{}, "plan9", runtime.GOARCH, "", false},
	}
	for _, tt := range tests {
		if got := tt.p.Matches(tt.os, tt.arch, tt.variant); got != tt.want {
			t.Errorf("%+v matches %s/%s/%s: got %v", tt.p, tt.os, tt.arch, tt.variant, got)
		}
	}
}
