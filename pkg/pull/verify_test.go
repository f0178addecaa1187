package pull

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/types"
)

type entry struct {
	name, link string
	typ        byte
}

func tarOf(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: 0o644}
		if e.typ == tar.TypeReg {
			h.Size = 1
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write([]byte("x")); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestScanLayer(t *testing.T) {
	deep := strings.Repeat("d/", MaxLayerDepth)
	tests := []struct {
		name    string
		entries []entry
		want    error
	}{
		{"plain", []entry{{name: "etc/", typ: tar.TypeDir}, {name: "etc/passwd", typ: tar.TypeReg}, {name: "bin/sh", link: "/bin/busybox", typ: tar.TypeSymlink}}, nil},
		{"absolute and dot names stay inside", []entry{{name: "/abs", typ: tar.TypeReg}, {name: "./dot/../x", typ: tar.TypeReg}}, nil},
		{"as deep as allowed", []entry{{name: deep[:len(deep)-2] + "f", typ: tar.TypeReg}}, nil},
		{"one level too deep", []entry{{name: deep + "f", typ: tar.TypeReg}}, ErrLayerTooDeep},
		{"dot-dot", []entry{{name: "../escape", typ: tar.TypeReg}}, ErrLayerEscapes},
		{"dot-dot inside", []entry{{name: "a/../../escape", typ: tar.TypeReg}}, ErrLayerEscapes},
		{"hard link out", []entry{{name: "hl", link: "../../etc/passwd", typ: tar.TypeLink}}, ErrLayerEscapes},
		{"hard link in", []entry{{name: "f", typ: tar.TypeReg}, {name: "hl", link: "f", typ: tar.TypeLink}}, nil},
		{"under its own symlink", []entry{{name: "evil", link: "/", typ: tar.TypeSymlink}, {name: "evil/tmp/x", typ: tar.TypeReg}}, ErrLayerEscapes},
		{"symlink replaced by a directory", []entry{{name: "lib", link: "usr/lib", typ: tar.TypeSymlink}, {name: "lib/", typ: tar.TypeDir}, {name: "lib/x", typ: tar.TypeReg}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tarOf(t, tt.entries...)
			for _, blob := range [][]byte{data, gzipped(t, data)} {
				err := scanLayer(bytes.NewReader(blob))
				if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
			}
		})
	}
	bad := gzipped(t, tarOf(t, entry{name: "f", typ: tar.TypeReg}))
	copy(bad[10:], bytes.Repeat([]byte{0xff}, 8))
	if err := scanLayer(bytes.NewReader(bad)); err == nil || errors.Is(err, ErrLayerTooDeep) || errors.Is(err, ErrLayerEscapes) {
		t.Fatalf("corrupt gzip: %v", err)
	}
}

// fakeSource serves one manifest and its blobs; GetBlob panics without a
// cache, as the docker transport's does.
type fakeSource struct {
	types.ImageSource
	manifest []byte
	blobs    map[digest.Digest][]byte
	fetched  []digest.Digest
}

func (f *fakeSource) GetManifest(context.Context, *digest.Digest) ([]byte, string, error) {
	return f.manifest, ocispec.MediaTypeImageManifest, nil
}

func (f *fakeSource) GetBlob(_ context.Context, info types.BlobInfo, cache types.BlobInfoCache) (io.ReadCloser, int64, error) {
	if cache == nil {
		panic("GetBlob without a blob info cache")
	}
	f.fetched = append(f.fetched, info.Digest)
	b, ok := f.blobs[info.Digest]
	if !ok {
		return nil, 0, errors.New("no such blob")
	}
	return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
}

func (f *fakeSource) Close() error { return nil }

type fakeRef struct {
	types.ImageReference
	src *fakeSource
}

func (r fakeRef) NewImageSource(context.Context, *types.SystemContext) (types.ImageSource, error) {
	return r.src, nil
}

func manifestOf(t *testing.T, config ocispec.Descriptor, layers ...ocispec.Descriptor) []byte {
	t.Helper()
	b, err := json.Marshal(ocispec.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageManifest,
		Config:    config,
		Layers:    layers,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConfigTooLarge(t *testing.T) {
	big := bytes.Repeat([]byte("x"), MaxConfigSize+1)
	d := digest.FromBytes(big)
	for _, declared := range []int64{int64(len(big)), 100} {
		src := &fakeSource{blobs: map[digest.Digest][]byte{d: big}}
		src.manifest = manifestOf(t, ocispec.Descriptor{MediaType: ocispec.MediaTypeImageConfig, Digest: d, Size: declared})
		tr := newBlobTracker()
		s := &trackedSource{ImageSource: src, t: tr}
		if _, _, err := s.GetManifest(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		rc, _, err := s.GetBlob(context.Background(), types.BlobInfo{Digest: d, Size: declared}, nopCache{})
		if err == nil {
			_, err = io.ReadAll(rc)
			rc.Close()
		}
		if !errors.Is(err, ErrConfigTooLarge) || !errors.Is(tr.refusal(), ErrConfigTooLarge) {
			t.Fatalf("declared size %d: got %v, refusal %v", declared, err, tr.refusal())
		}
		if declared > MaxConfigSize && len(src.fetched) != 0 {
			t.Errorf("a config declared too large was fetched anyway")
		}
	}
}

func TestTrackedLayerRefusedBeforeEOF(t *testing.T) {
	layer := gzipped(t, tarOf(t, entry{name: "../escape", typ: tar.TypeReg}, entry{name: "pad", typ: tar.TypeReg}))
	d := digest.FromBytes(layer)
	src := &fakeSource{blobs: map[digest.Digest][]byte{d: layer}}
	src.manifest = manifestOf(t, ocispec.Descriptor{MediaType: ocispec.MediaTypeImageConfig, Digest: digest.FromString("c"), Size: 1},
		ocispec.Descriptor{MediaType: ocispec.MediaTypeImageLayerGzip, Digest: d, Size: int64(len(layer))})
	tr := newBlobTracker()
	s := &trackedSource{ImageSource: src, t: tr}
	if _, _, err := s.GetManifest(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	rc, _, err := s.GetBlob(context.Background(), types.BlobInfo{Digest: d, Size: int64(len(layer))}, nopCache{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(rc)
	rc.Close()
	if !errors.Is(err, ErrLayerEscapes) || !strings.Contains(err.Error(), d.String()) {
		t.Fatalf("got %v", err)
	}
}

func TestFindCorrupt(t *testing.T) {
	good := []byte("good blob")
	dGood := digest.FromBytes(good)
	dBad := digest.FromString("what the manifest promised")
	src := &fakeSource{blobs: map[digest.Digest][]byte{dGood: good, dBad: []byte("tampered")}}
	ref := fakeRef{src: src}

	tr := newBlobTracker()
	tr.incomplete[dGood] = types.BlobInfo{Digest: dGood, Size: int64(len(good))}
	if err := findCorrupt(context.Background(), ref, nil, tr); err != nil {
		t.Fatalf("intact blob: %v", err)
	}
	tr.badStream[dGood] = errors.New("flate: corrupt input before offset 1")
	if err := findCorrupt(context.Background(), ref, nil, tr); !errors.Is(err, ErrBadLayerStream) || !strings.Contains(err.Error(), "flate") {
		t.Fatalf("undecodable blob: %v", err)
	}
	tr.incomplete[dBad] = types.BlobInfo{Digest: dBad, Size: -1}
	if err := findCorrupt(context.Background(), ref, nil, tr); !errors.Is(err, ErrCorruptBlob) || !strings.Contains(err.Error(), dBad.String()) {
		t.Fatalf("tampered blob: %v", err)
	}
	tr.done[dBad] = true
	tr.done[dGood] = true
	src.fetched = nil
	if err := findCorrupt(context.Background(), ref, nil, tr); err != nil || len(src.fetched) != 0 {
		t.Fatalf("blobs read to the end are not suspects: %v, fetched %v", err, src.fetched)
	}
}

type nopCache struct{ types.BlobInfoCache }

func TestTooManyLayers(t *testing.T) {
	var layers []ocispec.Descriptor
	for i := 0; i <= MaxOverlayLayers; i++ {
		layers = append(layers, ocispec.Descriptor{MediaType: ocispec.MediaTypeImageLayerGzip, Digest: digest.FromString(string(rune(i))), Size: 1})
	}
	m := manifestOf(t, ocispec.Descriptor{MediaType: ocispec.MediaTypeImageConfig, Digest: digest.FromString("c"), Size: 1}, layers...)
	tr := newBlobTracker()
	tr.maxLayers, tr.driver = MaxOverlayLayers, "overlay"
	s := &trackedSource{ImageSource: &fakeSource{manifest: m}, t: tr}
	if _, _, err := s.GetManifest(context.Background(), nil); !errors.Is(err, ErrTooManyLayers) || !strings.Contains(err.Error(), "501 layers") {
		t.Fatalf("501 layers on overlay: %v", err)
	}
	tr = newBlobTracker() // vfs: no limit
	s = &trackedSource{ImageSource: &fakeSource{manifest: m}, t: tr}
	if _, _, err := s.GetManifest(context.Background(), nil); err != nil {
		t.Fatalf("501 layers on vfs: %v", err)
	}
	tr = newBlobTracker()
	tr.maxLayers, tr.driver = MaxOverlayLayers, "overlay"
	s = &trackedSource{ImageSource: &fakeSource{manifest: manifestOf(t, ocispec.Descriptor{MediaType: ocispec.MediaTypeImageConfig, Digest: digest.FromString("c"), Size: 1}, layers[:MaxOverlayLayers]...)}, t: tr}
	if _, _, err := s.GetManifest(context.Background(), nil); err != nil {
		t.Fatalf("500 layers on overlay: %v", err)
	}
}
