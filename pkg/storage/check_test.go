package storage

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"
	"time"

	cstorage "go.podman.io/storage"
)

func headersOf(entries ...tar.Header) *layerHeaders {
	h := newLayerHeaders()
	for i := range entries {
		h.add(&entries[i])
	}
	return h
}

func TestChainModelExplained(t *testing.T) {
	base := headersOf(
		tar.Header{Name: "home/", Typeflag: tar.TypeDir},
		tar.Header{Name: "home/app/", Typeflag: tar.TypeDir},
		tar.Header{Name: "etc/passwd", Typeflag: tar.TypeReg},
		tar.Header{Name: "dev/null", Typeflag: tar.TypeChar},
	)
	upper := headersOf(
		tar.Header{Name: "home/app/notes", Typeflag: tar.TypeReg},
		tar.Header{Name: "opt/tool/bin/run", Typeflag: tar.TypeReg},
		tar.Header{Name: "srv/www/index.html", Typeflag: tar.TypeReg},
		tar.Header{Name: "srv/", Typeflag: tar.TypeDir},
		tar.Header{Name: "data/deep/.wh.er", Typeflag: tar.TypeReg},
		tar.Header{Name: "lib/devs/zero", Typeflag: tar.TypeBlock},
		tar.Header{Name: "etc/replaced", Typeflag: tar.TypeReg},
	)
	top := headersOf(tar.Header{Name: "etc/replaced", Typeflag: tar.TypeChar})
	c := chainModel{base, upper}
	tests := []struct {
		diff string
		want bool
	}{
		{"/home(mtime:0x1￫0x2)", true}, // listed below, touched above
		{"/home/app(uid:1000￫0,gid:1000￫0,mtime:0x1￫0x2)", true},
		{"/opt/tool/bin(size:19￫0,mode:0755￫0755,mtime:0x1￫0x2)", true}, // never listed
		{"/data/deep(mode:0600￫0755)", true},                            // only a whiteout in it
		{"/srv(mode:0750￫0755)", false},                                 // listed, after its contents
		{"/etc/passwd(mode:0644￫0600)", false},                          // a file
		{"/opt(filetype:53￫48)", false},                                 // not even a directory
		{"/nowhere(mtime:0x1￫0x2)", false},
		{"-/dev/null", true},
		{"-/lib/devs/zero", true},
		{"-/etc/passwd", false},
		{"+/lib/devs/zero", false},
		{"+/etc/extra", false},
		{"garbage", false},
	}
	for _, tt := range tests {
		if got := c.explained(tt.diff); got != tt.want {
			t.Errorf("%q: got %v, want %v", tt.diff, got, tt.want)
		}
	}
	if c := (chainModel{base, upper, top}); !c.explained("-/etc/replaced") {
		t.Error("a device replacing a file is a device")
	}
	if c := (chainModel{base, top, headersOf(tar.Header{Name: "etc/replaced", Typeflag: tar.TypeReg})}); c.explained("-/etc/replaced") {
		t.Error("a file replacing a device is a file")
	}
}

// layerTar is a tar of entries, each dir/file/symlink with a fixed mtime.
func layerTar(t *testing.T, entries ...tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range entries {
		h.ModTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		var data []byte
		if h.Typeflag == tar.TypeReg {
			data = []byte(h.Name)
			h.Size = int64(len(data))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A store the storage library itself unpacked passes husk's check: the
// library's own content check calls the implicit directories modified.
func TestCheckAcceptsImplicitDirectories(t *testing.T) {
	s := openTestStore(t)
	l1, _, err := s.PutLayer("", "", nil, "", false, nil, bytes.NewReader(layerTar(t,
		tar.Header{Name: "home/", Typeflag: tar.TypeDir, Mode: 0o755},
		tar.Header{Name: "home/app/", Typeflag: tar.TypeDir, Mode: 0o700, Uid: 1000, Gid: 1000},
	)))
	if err != nil {
		t.Fatal(err)
	}
	l2, _, err := s.PutLayer("", l1.ID, nil, "", false, nil, bytes.NewReader(layerTar(t,
		tar.Header{Name: "home/app/notes", Typeflag: tar.TypeReg, Mode: 0o644, Uid: 1000, Gid: 1000},
		tar.Header{Name: "opt/tool/bin/run", Typeflag: tar.TypeReg, Mode: 0o755},
		tar.Header{Name: "srv/www/index.html", Typeflag: tar.TypeReg, Mode: 0o644},
		tar.Header{Name: "srv/", Typeflag: tar.TypeDir, Mode: 0o750},
	)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateImage(strings.Repeat("1", 64), []string{"localhost/implicit:1"}, l2.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	raw, err := s.Store.Check(cstorage.CheckEverything())
	if err != nil {
		t.Fatal(err)
	}
	if len(raw.Layers[l2.ID]) == 0 {
		t.Log("the storage library's own check no longer reports implicit directories")
	}
	res, err := s.Check(-1)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("problems in a healthy store: %q", res.Problems)
	}
}

// A keep-id container's copy of an image's top layer differs from the
// headers in owners and directory times only: not damage.
func TestCheckMappedLayerOwnersAndTimes(t *testing.T) {
	for _, tc := range []struct {
		diff string
		want bool
	}{
		{"/home/app(uid:1000￫0)", true},
		{"+/bin/[(uid:0￫1001)", true},
		{"/data(uid:0￫1001,mtime:0x65920080￫0x6b13fcae)", true},
		{"/data(mtime:0x65920080￫0x6b13fcdc)", true},
		{"/etc/passwd(uid:0￫1001,size:100￫120)", false},
		{"/bin/sh(mode:0755￫4755)", false},
		{"/x(filetype:48￫50)", false},
		{"+/new", false},
		{"-/gone", false},
	} {
		if got := ownerAndTimeOnly(tc.diff); got != tc.want {
			t.Errorf("ownerAndTimeOnly(%q) = %v, want %v", tc.diff, got, tc.want)
		}
	}
}
