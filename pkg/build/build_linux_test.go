package build

import (
	"testing"

	"github.com/husk-dev/husk/pkg/build/buildopts"
)

// --squash keeps the base image's layers, as podman build --squash does:
// buildah's Squash would make the whole image one layer.
func TestSquashKeepsTheBaseLayers(t *testing.T) {
	bo, err := buildOptions(Env{}, buildopts.Options{Squash: true, Layers: true})
	if err != nil {
		t.Fatal(err)
	}
	if bo.Squash || bo.Layers {
		t.Errorf("--squash: buildah Squash=%v Layers=%v, want false and false", bo.Squash, bo.Layers)
	}
	bo, err = buildOptions(Env{}, buildopts.Options{Layers: true})
	if err != nil {
		t.Fatal(err)
	}
	if bo.Squash || !bo.Layers {
		t.Errorf("no --squash: buildah Squash=%v Layers=%v, want false and true", bo.Squash, bo.Layers)
	}
}
