package slimexec

import (
	"runtime/debug"
	"strings"
	"testing"
)

func info(mod func(*debug.BuildInfo)) *debug.BuildInfo {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/husk-dev/husk", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "go.podman.io/buildah", Version: "v1.45.0", Sum: "h1:a"},
			{Path: "go.podman.io/storage", Version: "v1.65.1", Sum: "h1:b"},
		},
		Settings: []debug.BuildSetting{
			{Key: "-tags", Value: "seccomp"},
			{Key: "vcs.revision", Value: "8ce8841"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	if mod != nil {
		mod(bi)
	}
	return bi
}

func TestSameBuild(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*debug.BuildInfo)
		want string // "" for the same build
	}{
		{"identical", nil, ""},
		{"other tags", func(b *debug.BuildInfo) { b.Settings[0].Value = "" }, ""},
		{"fewer modules", func(b *debug.BuildInfo) { b.Deps = b.Deps[:1] }, ""},
		{"toolchain", func(b *debug.BuildInfo) { b.GoVersion = "go1.26.7" }, "built with go1.26.7"},
		{"main module", func(b *debug.BuildInfo) { b.Main.Path = "example.com/x" }, "module example.com/x"},
		{"revision", func(b *debug.BuildInfo) { b.Settings[1].Value = "b8ee5eb" }, `vcs.revision "b8ee5eb"`},
		{"modified tree", func(b *debug.BuildInfo) { b.Settings[2].Value = "true" }, "vcs.modified"},
		{"module version", func(b *debug.BuildInfo) {
			b.Deps[1] = &debug.Module{Path: "go.podman.io/storage", Version: "v1.64.0", Sum: "h1:b"}
		}, "storage@v1.64.0"},
		{"module checksum", func(b *debug.BuildInfo) {
			b.Deps[0] = &debug.Module{Path: "go.podman.io/buildah", Version: "v1.45.0", Sum: "h1:z"}
		}, "h1:z"},
		{"replaced module", func(b *debug.BuildInfo) {
			b.Deps[0] = &debug.Module{Path: "go.podman.io/buildah", Version: "v1.45.0", Sum: "h1:a", Replace: &debug.Module{Path: "../buildah"}}
		}, "=> ../buildah"},
		{"a module the helper lacks", func(b *debug.BuildInfo) {
			b.Deps = append(b.Deps, &debug.Module{Path: "example.com/extra", Version: "v1.0.0"})
		}, "links example.com/extra"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sameBuild(info(nil), info(tc.mod))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("want the same build, got %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
		})
	}
}
