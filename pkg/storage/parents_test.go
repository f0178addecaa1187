package storage

import (
	"sort"
	"testing"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
)

func config(layers []string, steps ...string) *imgspecv1.Image {
	c := &imgspecv1.Image{}
	for _, l := range layers {
		c.RootFS.DiffIDs = append(c.RootFS.DiffIDs, digest.FromString(l))
	}
	for _, s := range steps {
		c.History = append(c.History, imgspecv1.History{CreatedBy: s, EmptyLayer: s == "LABEL"})
	}
	return c
}

func TestIsParentOf(t *testing.T) {
	base := config([]string{"a"}, "ADD")
	run := config([]string{"a", "b"}, "ADD", "RUN")
	label := config([]string{"a", "b"}, "ADD", "RUN", "LABEL")
	other := config([]string{"a", "c"}, "ADD", "RUN")
	for _, tc := range []struct {
		name          string
		parent, child *imgspecv1.Image
		want          bool
	}{
		{"layer step", base, run, true},
		{"metadata step on the same top layer", run, label, true},
		{"grandparent", base, label, true},
		{"itself", run, run, false},
		{"child is not a parent", label, run, false},
		{"other layer", run, other, false},
		{"same layers, other history", config([]string{"a", "b"}, "ADD", "COPY"), label, false},
	} {
		if got := isParentOf(tc.parent, tc.child); got != tc.want {
			t.Errorf("%s: got %v", tc.name, got)
		}
	}
}

func TestCandidateChildren(t *testing.T) {
	imgs := []imageFacts{
		{id: "base", topLayer: "L1"},
		{id: "run", topLayer: "L2", below: "L1"},
		{id: "label", topLayer: "L2", below: "L1"},
		{id: "far", topLayer: "L3", below: "L2"},
		{id: "scratch", topLayer: ""},
		{id: "scratch2", topLayer: ""},
	}
	got := candidateChildren(imgs, func(id string) bool { return id != "far" })
	for p := range got {
		sort.Strings(got[p])
	}
	want := map[string][]string{
		"base":     {"label", "run"},
		"run":      {"far", "label"},
		"label":    {"far", "run"},
		"scratch":  {"base", "scratch2"}, // a first layer sits on scratch
		"scratch2": {"base", "scratch"},
	}
	for p, w := range want {
		if len(got[p]) != len(w) {
			t.Errorf("%s: got %v, want %v", p, got[p], w)
			continue
		}
		for i := range w {
			if got[p][i] != w[i] {
				t.Errorf("%s: got %v, want %v", p, got[p], w)
			}
		}
	}
	if _, ok := got["far"]; ok {
		t.Errorf("far was not asked for: %v", got["far"])
	}
}
