package storage

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/husk-dev/husk/internal/setting"
)

func TestCandidates(t *testing.T) {
	tests := []struct {
		name                string
		requested, recorded Driver
		want                []Driver
		err                 bool
	}{
		{"new store, auto", DriverAuto, DriverAuto, []Driver{DriverOverlay, DriverFuse, DriverVFS}, false},
		{"new store, requested", DriverVFS, DriverAuto, []Driver{DriverVFS}, false},
		{"existing store keeps its driver", DriverAuto, DriverFuse, []Driver{DriverFuse}, false},
		{"same as recorded", DriverVFS, DriverVFS, []Driver{DriverVFS}, false},
		{"mismatch", DriverVFS, DriverOverlay, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := candidates(tt.requested, tt.recorded, "/x")
			if tt.err {
				if !errors.Is(err, ErrDriverMismatch) || !strings.Contains(setting.SpellAll(err, func(n string) string { return "--" + n }), "--storage-driver overlay") {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err != nil || strings.Join(toStrings(got), ",") != strings.Join(toStrings(tt.want), ",") {
				t.Fatalf("got %v %v, want %v", got, err, tt.want)
			}
		})
	}
}

func toStrings(ds []Driver) []string {
	var s []string
	for _, d := range ds {
		s = append(s, string(d))
	}
	return s
}

func TestParseDriver(t *testing.T) {
	for _, ok := range []string{"", "overlay", "fuse-overlayfs", "vfs"} {
		if _, err := ParseDriver(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	if _, err := ParseDriver("btrfs"); err == nil {
		t.Error("btrfs accepted")
	}
}

func TestDefaultPaths(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	g, r := DefaultPaths(true, "/run/user/7")
	if g != "/data/husk/storage" || r != "/run/user/7/husk/storage" {
		t.Fatalf("rootless: %s %s", g, r)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if g, _ := DefaultPaths(true, "/r"); g != "/home/u/.local/share/husk/storage" {
		t.Fatalf("no XDG_DATA_HOME: %s", g)
	}
	if g, r := DefaultPaths(false, ""); g != "/var/lib/husk/storage" || r != "/run/husk/storage" {
		t.Fatalf("root: %s %s", g, r)
	}
}

// openTestStore opens a vfs store in a temporary directory. The storage
// library needs root (or a user namespace) to create its layout.
func openTestStore(t *testing.T) *Store {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (run by make test as root): the storage library chowns its directories")
	}
	dir := t.TempDir()
	s, err := Open(Options{GraphRoot: filepath.Join(dir, "g"), RunRoot: filepath.Join(dir, "r"), Driver: DriverVFS})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOpenRecordsDriver(t *testing.T) {
	s := openTestStore(t)
	d, err := recordedDriver(s.GraphRoot)
	if err != nil || d != DriverVFS {
		t.Fatalf("recorded %q %v", d, err)
	}
}

func TestLookup(t *testing.T) {
	s := openTestStore(t)
	mk := func(id string, names ...string) {
		if _, err := s.CreateImage(id, names, "", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	idA := strings.Repeat("a", 64)
	idB := "ab" + strings.Repeat("b", 62)
	idC := strings.Repeat("c", 64)
	mk(idA, "127.0.0.1:5055/husk-test/busybox:latest", "localhost/mine:1")
	mk(idB, "127.0.0.1:5055/other/busybox:2", "docker.io/library/alpine:latest")
	mk(idC, "reg.example:5000/x/busybox:latest")

	tests := []struct {
		ref    string
		wantID string
		err    error
	}{
		{idA, idA, nil},
		{"sha256:" + idA, idA, nil},
		{"aaaa", idA, nil},
		{"ab", "", ErrImageUnknown}, // too short for a prefix, not a name either
		{"a", "", ErrImageUnknown},
		{"127.0.0.1:5055/husk-test/busybox", idA, nil},
		{"husk-test/busybox", idA, nil},
		{"busybox", "", ErrAmbiguous},
		{"busybox:2", idB, nil},
		{"alpine", idB, nil},
		{"mine:1", idA, nil},
		{"mine", "", ErrImageUnknown},
		{"nothere", "", ErrImageUnknown},
		{"127.0.0.1:5055/nothere", "", ErrImageUnknown},
		// Blank is its own error, not an unknown image (which run would
		// try to pull) nor a prefix of every ID.
		{"", "", ErrEmptyName},
		{" \t", "", ErrEmptyName},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			img, _, err := s.Lookup(tt.ref)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("got %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || img.ID != tt.wantID {
				t.Fatalf("got %v %v", img, err)
			}
		})
	}
}

func TestTagAndRemove(t *testing.T) {
	s := openTestStore(t)
	id := strings.Repeat("d", 64)
	if _, err := s.CreateImage(id, []string{"127.0.0.1:5055/a:1"}, "", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Tag("127.0.0.1:5055/a:1", []string{"b", "127.0.0.1:5055/c:2"}); err != nil {
		t.Fatal(err)
	}
	img, _ := s.Image(id)
	sort.Strings(img.Names)
	if strings.Join(img.Names, ",") != "127.0.0.1:5055/a:1,127.0.0.1:5055/c:2,localhost/b:latest" {
		t.Fatalf("names %v", img.Names)
	}
	if _, err := s.RemoveImage(id, RemoveOptions{}); err == nil {
		t.Fatal("removing a multi-name image by ID worked without force")
	}
	res, err := s.RemoveImage("b", RemoveOptions{})
	if err != nil || res.Deleted != "" || len(res.Untagged) != 1 {
		t.Fatalf("untag: %+v %v", res, err)
	}
	res, err = s.RemoveImage(id, RemoveOptions{Force: true})
	if err != nil || res.Deleted != id {
		t.Fatalf("force: %+v %v", res, err)
	}
	if _, _, err := s.Lookup(id); !errors.Is(err, ErrImageUnknown) {
		t.Fatalf("still there: %v", err)
	}
}

func TestPruneImages(t *testing.T) {
	s := openTestStore(t)
	named, dangling := strings.Repeat("e", 64), strings.Repeat("f", 64)
	if _, err := s.CreateImage(named, []string{"localhost/x:1"}, "", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateImage(dangling, nil, "", "", nil); err != nil {
		t.Fatal(err)
	}
	removed, err := s.PruneImages(false)
	if err != nil || len(removed) != 1 || removed[0] != dangling {
		t.Fatalf("prune: %v %v", removed, err)
	}
	removed, err = s.PruneImages(true)
	if err != nil || len(removed) != 1 || removed[0] != named {
		t.Fatalf("prune --all: %v %v", removed, err)
	}
}
