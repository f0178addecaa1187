package storage

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// putImage stores an image with the given top layer and a config with
// history steps (empty=true for a step without a layer).
func putImage(t *testing.T, s *Store, id, top string, names []string, steps ...bool) {
	t.Helper()
	if _, err := s.CreateImage(id, names, top, "", nil); err != nil {
		t.Fatal(err)
	}
	cfg := imgspecv1.Image{}
	for i, empty := range steps {
		at := time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC)
		cfg.History = append(cfg.History, imgspecv1.History{Created: &at, CreatedBy: "step " + string(rune('0'+i)), EmptyLayer: empty})
	}
	b, _ := json.Marshal(cfg)
	if err := s.SetImageBigData(id, digest.NewDigestFromEncoded(digest.SHA256, id).String(), b, nil); err != nil {
		t.Fatal(err)
	}
}

func TestLayerChangesAndHistory(t *testing.T) {
	s := openTestStore(t)
	l1, _, err := s.PutLayer("", "", nil, "", false, nil, bytes.NewReader(layerTar(t,
		tar.Header{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755},
		tar.Header{Name: "bin/true", Typeflag: tar.TypeReg, Mode: 0o755},
		tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755},
		tar.Header{Name: "etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644},
	)))
	if err != nil {
		t.Fatal(err)
	}
	l2, _, err := s.PutLayer("", l1.ID, nil, "", false, nil, bytes.NewReader(layerTar(t,
		tar.Header{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755},
		tar.Header{Name: "bin/.wh.true", Typeflag: tar.TypeReg, Mode: 0o644},
		tar.Header{Name: "z/", Typeflag: tar.TypeDir, Mode: 0o755},
		tar.Header{Name: "z/new", Typeflag: tar.TypeReg, Mode: 0o644},
		tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755},
		tar.Header{Name: "etc/hosts", Typeflag: tar.TypeReg, Mode: 0o644},
		tar.Header{Name: "a", Typeflag: tar.TypeReg, Mode: 0o644},
		tar.Header{Name: "z-b", Typeflag: tar.TypeReg, Mode: 0o644},
	)))
	if err != nil {
		t.Fatal(err)
	}
	changes, err := s.LayerChanges(l2.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, string(c.Kind)+" "+c.Path)
	}
	// A directory's contents follow it, before /z-b ('-' < '/').
	want := []string{"A /a", "C /bin", "D /bin/true", "C /etc", "A /etc/hosts", "A /z", "A /z/new", "A /z-b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes = %q, want %q", got, want)
	}
	got = got[:0]
	for _, c := range WithoutMountTargets(changes) {
		got = append(got, string(c.Kind)+" "+c.Path)
	}
	if want := []string{"A /a", "C /bin", "D /bin/true", "C /etc", "A /z", "A /z/new", "A /z-b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("without mount targets = %q, want %q", got, want)
	}

	// base: one step (l1); mid: base + a step with l2 + an empty step
	// (a cached build's image per step); top: the same layer, one more
	// empty step.
	base, mid, mid2, top := strings.Repeat("1", 64), strings.Repeat("2", 64), strings.Repeat("3", 64), strings.Repeat("4", 64)
	putImage(t, s, base, l1.ID, []string{"localhost/base:latest"}, false)
	putImage(t, s, top, l2.ID, []string{"localhost/top:latest"}, false, false, true, true)
	putImage(t, s, mid2, l2.ID, nil, false, false, true)
	putImage(t, s, mid, l2.ID, nil, false, false)
	h, err := s.History("localhost/top")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var sizes []int64
	for _, e := range h {
		ids = append(ids, e.ID)
		sizes = append(sizes, e.Size)
	}
	if want := []string{top, mid2, mid, base}; !reflect.DeepEqual(ids, want) {
		t.Errorf("IDs = %q, want %q", ids, want)
	}
	if sizes[0] != 0 || sizes[1] != 0 || sizes[2] != l2.UncompressedSize || sizes[3] != l1.UncompressedSize || sizes[3] == 0 {
		t.Errorf("sizes = %v (layers %d, %d)", sizes, l2.UncompressedSize, l1.UncompressedSize)
	}
	if h[0].CreatedBy != "step 3" || h[3].CreatedBy != "step 0" {
		t.Errorf("order: %q .. %q", h[0].CreatedBy, h[3].CreatedBy)
	}

	// Without the per-step images, the lower steps are <missing>.
	for _, id := range []string{mid, mid2, base} {
		if _, err := s.DeleteImage(id, true); err != nil {
			t.Fatal(err)
		}
	}
	h, err = s.History(top)
	if err != nil {
		t.Fatal(err)
	}
	ids = ids[:0]
	for _, e := range h {
		ids = append(ids, e.ID)
	}
	if want := []string{top, MissingID, MissingID, MissingID}; !reflect.DeepEqual(ids, want) {
		t.Errorf("IDs = %q, want %q", ids, want)
	}
	if _, err := s.History("localhost/nothere"); err == nil {
		t.Error("history of a missing image")
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"app":                      "localhost/app:latest",
		"app:1":                    "localhost/app:1",
		"reg.example:5000/x/app":   "reg.example:5000/x/app:latest",
		"localhost/app:2":          "localhost/app:2",
		"docker.io/library/alpine": "docker.io/library/alpine:latest",
	} {
		if got, err := NormalizeName(in); err != nil || got != want {
			t.Errorf("NormalizeName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"Bad Name", "", "app@sha256:" + strings.Repeat("a", 64), "UPPER"} {
		if _, err := NormalizeName(bad); err == nil || !strings.Contains(err.Error(), "invalid name") {
			t.Errorf("NormalizeName(%q): %v", bad, err)
		}
	}
}
