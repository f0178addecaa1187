// Command imagegen writes the OCI image layouts that husk's integration tests
// pull, run and inspect. Everything is built from code (plus the host's
// statically linked /bin/busybox), with fixed timestamps, so the output is
// byte-for-byte reproducible for a given busybox binary and Go toolchain.
//
// Usage:
//
//	go run ./test/imagegen -out DIR [-busybox /bin/busybox]
//
// It writes one OCI image layout per image, DIR/NAME/{oci-layout,index.json,
// blobs/sha256/...}, whose index.json holds a single entry annotated
// org.opencontainers.image.ref.name=latest, so each image can be addressed as
// oci:DIR/NAME:latest. Images:
//
//	busybox     one layer: busybox-static, applet symlinks, /etc/passwd, /etc/group
//	multilayer  busybox layer + 3 layers exercising file types, ownership,
//	            setuid, hardlinks, xattrs, whiteouts and opaque directories
//	multiarch   image index with linux/amd64 and linux/arm64 manifests (/arch)
//	hostile     busybox layer + a layer whose entries try to escape the rootfs
//	tampered    busybox layer + small layer; its digest goes to DIR/tampered.blob
//	manyfiles   busybox layer + a layer of 20000 small files
//	zstd        busybox content compressed with zstd + a tiny zstd layer
//
// and the hostile-image corpus (test/bats/015-hostile-images.bats says what
// husk must do with each):
//
//	implicitdirs  layers that list files but not their parent directories
//	devices       a layer with a character and a block device node
//	hugeenv       a config whose environment holds a 10 MiB variable
//	badgzip       a layer whose gzip stream is corrupt near its start (the
//	              manifest names the corrupt blob's own digest)
//	nullconfig    a config blob that is the JSON literal null
//	diffidmismatch a config whose diff_id does not match its layer
//	selfindex     an image index whose only entry names the index itself
//	              (layout only: no registry stores it)
//	manylayers    busybox layer + 199 one-file layers (200 in all)
//	deeptree      busybox layer + a layer with a 1000-deep directory tree
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
	digest "github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// epoch is the timestamp used for every file, config and history entry.
var epoch = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func main() {
	out := flag.String("out", "", "output directory (one OCI layout per image is written below it)")
	busyboxPath := flag.String("busybox", "/bin/busybox", "statically linked busybox binary to put into the images")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: imagegen -out DIR [-busybox PATH]")
		os.Exit(2)
	}
	if err := run(*out, *busyboxPath); err != nil {
		fmt.Fprintln(os.Stderr, "imagegen:", err)
		os.Exit(1)
	}
}

func run(out, busyboxPath string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	bb, err := busyboxLayerTar(busyboxPath)
	if err != nil {
		return err
	}
	g := &generator{out: out, busybox: bb}
	steps := []struct {
		name string
		fn   func(string) (ocispec.Descriptor, error)
	}{
		{"busybox", g.busyboxImage},
		{"multilayer", g.multilayerImage},
		{"multiarch", g.multiarchImage},
		{"hostile", g.hostileImage},
		{"tampered", g.tamperedImage},
		{"manyfiles", g.manyfilesImage},
		{"zstd", g.zstdImage},
		{"implicitdirs", g.implicitDirsImage},
		{"devices", g.devicesImage},
		{"hugeenv", g.hugeEnvImage},
		{"badgzip", g.badGzipImage},
		{"nullconfig", g.nullConfigImage},
		{"diffidmismatch", g.diffIDMismatchImage},
		{"selfindex", g.selfIndexImage},
		{"manylayers", g.manyLayersImage},
		{"deeptree", g.deepTreeImage},
	}
	for _, s := range steps {
		desc, err := g.writeLayout(s.name, s.fn)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Printf("%-14s %s %s\n", s.name, desc.Digest, filepath.Join(out, s.name))
	}
	return nil
}

// ---------------------------------------------------------------- layouts

// layout is an OCI image layout being written.
type layout struct {
	dir string
}

func (l *layout) writeBlob(data []byte) (digest.Digest, error) {
	d := digest.FromBytes(data)
	p := filepath.Join(l.dir, "blobs", d.Algorithm().String(), d.Encoded())
	if _, err := os.Stat(p); err == nil {
		return d, nil // content-addressed: already there
	}
	return d, os.WriteFile(p, data, 0o644)
}

func (l *layout) writeJSON(mediaType string, v any) (ocispec.Descriptor, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	d, err := l.writeBlob(data)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return ocispec.Descriptor{MediaType: mediaType, Digest: d, Size: int64(len(data))}, nil
}

// writeLayout builds image name into a fresh temporary layout next to its
// final place and swaps it in once complete, so a failed run never leaves a
// half-written layout under the final name.
func (g *generator) writeLayout(name string, build func(string) (ocispec.Descriptor, error)) (ocispec.Descriptor, error) {
	final := filepath.Join(g.out, name)
	tmp := final + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return ocispec.Descriptor{}, err
	}
	if err := os.MkdirAll(filepath.Join(tmp, "blobs", "sha256"), 0o755); err != nil {
		return ocispec.Descriptor{}, err
	}
	g.l = &layout{dir: tmp}
	desc, err := build(name)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	if desc.Annotations == nil {
		desc.Annotations = map[string]string{}
	}
	desc.Annotations[ocispec.AnnotationRefName] = "latest"
	layoutFile, err := json.Marshal(ocispec.ImageLayout{Version: ocispec.ImageLayoutVersion})
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	if err := os.WriteFile(filepath.Join(tmp, ocispec.ImageLayoutFile), layoutFile, 0o644); err != nil {
		return ocispec.Descriptor{}, err
	}
	index := ocispec.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageIndex,
		Manifests: []ocispec.Descriptor{desc},
	}
	indexJSON, err := json.Marshal(index)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	if err := os.WriteFile(filepath.Join(tmp, ocispec.ImageIndexFile), indexJSON, 0o644); err != nil {
		return ocispec.Descriptor{}, err
	}
	if err := os.RemoveAll(final); err != nil {
		return ocispec.Descriptor{}, err
	}
	return desc, os.Rename(tmp, final)
}

// ---------------------------------------------------------------- images

type generator struct {
	out     string
	busybox []byte // uncompressed tar of the busybox layer
	l       *layout
}

// layer is one image layer: its compressed blob and uncompressed digest.
type layer struct {
	desc    ocispec.Descriptor
	diffID  digest.Digest
	comment string
}

type compression int

const (
	gzipped compression = iota
	zstded
)

// addLayer compresses an uncompressed layer tar and stores it as a blob.
func (g *generator) addLayer(tarData []byte, c compression, comment string) (layer, error) {
	var buf bytes.Buffer
	var mediaType string
	switch c {
	case gzipped:
		mediaType = ocispec.MediaTypeImageLayerGzip
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return layer{}, err
		}
		// Header left empty (no name, zero mtime): deterministic output.
		if _, err := zw.Write(tarData); err != nil {
			return layer{}, err
		}
		if err := zw.Close(); err != nil {
			return layer{}, err
		}
	case zstded:
		mediaType = ocispec.MediaTypeImageLayerZstd
		zw, err := zstd.NewWriter(&buf,
			zstd.WithEncoderConcurrency(1), // single-threaded: deterministic
			zstd.WithEncoderLevel(zstd.SpeedDefault),
			zstd.WithEncoderCRC(true))
		if err != nil {
			return layer{}, err
		}
		if _, err := zw.Write(tarData); err != nil {
			return layer{}, err
		}
		if err := zw.Close(); err != nil {
			return layer{}, err
		}
	default:
		return layer{}, errors.New("unknown compression")
	}
	d, err := g.l.writeBlob(buf.Bytes())
	if err != nil {
		return layer{}, err
	}
	return layer{
		desc:    ocispec.Descriptor{MediaType: mediaType, Digest: d, Size: int64(buf.Len())},
		diffID:  digest.FromBytes(tarData),
		comment: comment,
	}, nil
}

func (g *generator) busyboxLayer(c compression) (layer, error) {
	return g.addLayer(g.busybox, c, "imagegen: busybox-static as /bin/busybox, applet symlinks in /bin, /etc/passwd, /etc/group")
}

// image writes the config and manifest of a single-platform image and
// returns the manifest's descriptor (with its platform).
func (g *generator) image(arch string, layers []layer, opts ...func(*ocispec.ImageConfig)) (ocispec.Descriptor, error) {
	created := epoch
	cfg := ocispec.Image{
		Created:  &created,
		Author:   "husk test imagegen",
		Platform: ocispec.Platform{Architecture: arch, OS: "linux"},
		Config: ocispec.ImageConfig{
			Env: []string{"PATH=" + defaultPath},
			Cmd: []string{"/bin/sh"},
		},
		RootFS: ocispec.RootFS{Type: "layers"},
	}
	for _, o := range opts {
		o(&cfg.Config)
	}
	for _, l := range layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.diffID)
		cfg.History = append(cfg.History, ocispec.History{Created: &created, CreatedBy: l.comment})
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.imageWithConfig(arch, layers, cfgJSON)
}

// imageWithConfig writes a manifest of layers whose config blob is cfgJSON,
// as given (valid or not), and returns the manifest's descriptor.
func (g *generator) imageWithConfig(arch string, layers []layer, cfgJSON []byte) (ocispec.Descriptor, error) {
	m := ocispec.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageManifest,
	}
	for _, l := range layers {
		m.Layers = append(m.Layers, l.desc)
	}
	d, err := g.l.writeBlob(cfgJSON)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	m.Config = ocispec.Descriptor{MediaType: ocispec.MediaTypeImageConfig, Digest: d, Size: int64(len(cfgJSON))}
	desc, err := g.l.writeJSON(ocispec.MediaTypeImageManifest, m)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	desc.Platform = &ocispec.Platform{Architecture: arch, OS: "linux"}
	return desc, nil
}

func (g *generator) busyboxImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.image("amd64", []layer{bb})
}

func (g *generator) multilayerImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}

	// Layer 2: assorted file types and metadata under /data.
	t := newTarBuilder()
	t.dir("data/", 0o755, 0, 0)
	t.file("data/keep", 0o644, 0, 0, []byte("keep\n"))
	t.file("data/gone", 0o644, 0, 0, []byte("gone\n"))
	t.dir("data/dir/", 0o755, 0, 0)
	t.file("data/dir/a", 0o644, 0, 0, []byte("a\n"))
	t.file("data/dir/b", 0o644, 0, 0, []byte("b\n"))
	t.dir("data/opq/", 0o755, 0, 0)
	t.file("data/opq/x", 0o644, 0, 0, []byte("x\n"))
	t.file("data/opq/y", 0o644, 0, 0, []byte("y\n"))
	t.file("data/owned", 0o644, 1000, 1000, []byte("owned by 1000:1000\n"))
	t.file("data/suid", 0o4755, 0, 0, []byte("#!/bin/sh\necho suid\n"))
	t.add(&tar.Header{Typeflag: tar.TypeLink, Name: "data/hard", Linkname: "data/keep", Mode: 0o644}, nil)
	t.symlink("data/link", "keep")
	t.add(&tar.Header{Typeflag: tar.TypeFifo, Name: "data/fifo", Mode: 0o644}, nil)
	t.add(&tar.Header{
		Typeflag:   tar.TypeReg,
		Name:       "data/xattr",
		Mode:       0o644,
		PAXRecords: map[string]string{"SCHILY.xattr.user.husk": "hello"},
	}, []byte("has user.husk=hello\n"))
	l2data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l2, err := g.addLayer(l2data, gzipped, "imagegen: /data with regular, owned, setuid, hardlink, symlink, fifo and xattr entries")
	if err != nil {
		return ocispec.Descriptor{}, err
	}

	// Layer 3: a whiteout and an opaque directory.
	t = newTarBuilder()
	t.dir("data/", 0o755, 0, 0)
	t.file("data/.wh.gone", 0o644, 0, 0, nil)
	t.dir("data/opq/", 0o755, 0, 0)
	t.file("data/opq/.wh..wh..opq", 0o644, 0, 0, nil)
	t.file("data/opq/z", 0o644, 0, 0, []byte("z\n"))
	l3data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l3, err := g.addLayer(l3data, gzipped, "imagegen: whiteout /data/gone, opaque /data/opq with new /data/opq/z")
	if err != nil {
		return ocispec.Descriptor{}, err
	}

	// Layer 4: 1 MiB of deterministic pseudo-random content.
	t = newTarBuilder()
	t.dir("data/", 0o755, 0, 0)
	t.file("data/big", 0o644, 0, 0, pseudoRandom("husk-big", 1<<20))
	l4data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l4, err := g.addLayer(l4data, gzipped, "imagegen: /data/big, 1 MiB pseudo-random")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	// EXPOSE 80/tcp 81/tcp, for -P.
	return g.image("amd64", []layer{bb, l2, l3, l4}, func(c *ocispec.ImageConfig) {
		c.ExposedPorts = map[string]struct{}{"80/tcp": {}, "81/tcp": {}}
	})
}

func (g *generator) multiarchImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	index := ocispec.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageIndex,
	}
	for _, arch := range []string{"amd64", "arm64"} {
		t := newTarBuilder()
		t.file("arch", 0o644, 0, 0, []byte(arch+"\n"))
		data, err := t.bytes()
		if err != nil {
			return ocispec.Descriptor{}, err
		}
		// The arm64 image carries the amd64 busybox too: it is never run,
		// only /arch is checked.
		l, err := g.addLayer(data, gzipped, "imagegen: /arch = "+arch)
		if err != nil {
			return ocispec.Descriptor{}, err
		}
		desc, err := g.image(arch, []layer{bb, l})
		if err != nil {
			return ocispec.Descriptor{}, err
		}
		index.Manifests = append(index.Manifests, desc)
	}
	return g.l.writeJSON(ocispec.MediaTypeImageIndex, index)
}

func (g *generator) hostileImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	// Names are written verbatim: archive/tar's writer does not clean or
	// reject them (only its reader can be told to). Any extractor that
	// honours them writes outside the rootfs.
	t := newTarBuilder()
	t.file("../escape-dotdot", 0o644, 0, 0, []byte("escaped via ..\n"))
	t.file("../../tmp/husk-escape-abs", 0o644, 0, 0, []byte("escaped via ../../tmp\n"))
	t.file("/husk-abs-escape", 0o644, 0, 0, []byte("escaped via absolute name\n"))
	t.symlink("evil", "/")
	t.file("evil/tmp/husk-escape-via-symlink", 0o644, 0, 0, []byte("escaped via symlink to /\n"))
	t.symlink("evil2", "../../../../../../tmp")
	t.file("evil2/husk-escape-via-symlink2", 0o644, 0, 0, []byte("escaped via relative symlink\n"))
	t.add(&tar.Header{Typeflag: tar.TypeLink, Name: "hl", Linkname: "../../../../etc/passwd", Mode: 0o644}, nil)
	data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	if err := checkRawNames(data, []string{
		"../escape-dotdot", "../../tmp/husk-escape-abs", "/husk-abs-escape",
		"evil", "evil/tmp/husk-escape-via-symlink",
		"evil2", "evil2/husk-escape-via-symlink2", "hl",
	}); err != nil {
		return ocispec.Descriptor{}, err
	}
	l, err := g.addLayer(data, gzipped, "imagegen: entries that try to escape the rootfs (.., absolute, via symlinks, hardlink)")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.image("amd64", []layer{bb, l})
}

// checkRawNames re-reads a tar and makes sure the entry names came out exactly
// as given (nothing cleaned on the way).
func checkRawNames(data []byte, want []string) error {
	var got []string
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		// With GODEBUG tarinsecurepath=0 the reader flags such names but still
		// returns the header; that is expected here.
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return err
		}
		got = append(got, h.Name)
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("hostile tar names changed: got %q, want %q", got, want)
	}
	return nil
}

func (g *generator) tamperedImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	t := newTarBuilder()
	// Big enough that overwriting bytes in the middle of the blob hits
	// compressed file data, not the gzip header or trailer.
	t.file("tampered", 0o644, 0, 0, pseudoRandom("husk-tampered", 4096))
	data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l, err := g.addLayer(data, gzipped, "imagegen: /tampered (its blob is corrupted in the test registry)")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	desc, err := g.image("amd64", []layer{bb, l})
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	err = os.WriteFile(filepath.Join(g.out, "tampered.blob"), []byte(l.desc.Digest.String()+"\n"), 0o644)
	return desc, err
}

func (g *generator) manyfilesImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	t := newTarBuilder()
	t.dir("many/", 0o755, 0, 0)
	for d := 0; d < 100; d++ {
		dir := fmt.Sprintf("many/d%02d/", d)
		t.dir(dir, 0o755, 0, 0)
		for f := 0; f < 200; f++ {
			name := fmt.Sprintf("%sf%04d", dir, f)
			sum := sha256.Sum256([]byte(name))
			n := 16 + int(sum[0])%49 // 16..64 bytes
			content := []byte(strings.Repeat(fmt.Sprintf("%x", sum), 2)[:n-1] + "\n")
			t.file(name, 0o644, 0, 0, content)
		}
	}
	data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l, err := g.addLayer(data, gzipped, "imagegen: /many/dNN/fNNNN, 100 dirs x 200 files of 16-64 bytes")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.image("amd64", []layer{bb, l})
}

func (g *generator) zstdImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(zstded)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	t := newTarBuilder()
	t.file("zstd-ok", 0o644, 0, 0, []byte("zstd ok\n"))
	data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l, err := g.addLayer(data, zstded, "imagegen: /zstd-ok (zstd)")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.image("amd64", []layer{bb, l})
}

// ---------------------------------------------------------------- hostile corpus

// implicitDirsImage has layers that name files without their parent
// directories, as some image builders write them: home/ and home/app/ exist
// in the busybox layer, opt/ and data/ nowhere, and srv/ is listed only
// after its contents.
func (g *generator) implicitDirsImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	t := newTarBuilder()
	t.file("home/app/notes", 0o644, 1000, 1000, []byte("notes\n"))
	t.file("opt/tool/bin/run", 0o755, 0, 0, []byte("#!/bin/sh\necho run\n"))
	t.file("data/deep/er/file", 0o600, 0, 0, []byte("deeper\n"))
	t.file("srv/www/index.html", 0o644, 0, 0, []byte("<p>hi</p>\n"))
	t.dir("srv/", 0o750, 0, 0)
	l2data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l2, err := g.addLayer(l2data, gzipped, "imagegen: files under home/app, opt/tool, data/deep/er and srv/www, parents unlisted (srv/ listed last)")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	t = newTarBuilder()
	t.file("opt/tool/etc/conf", 0o644, 0, 0, []byte("conf\n"))
	t.file("home/app/.profile", 0o644, 1000, 1000, []byte("export X=1\n"))
	t.file("data/deep/.wh.er", 0o644, 0, 0, nil)
	l3data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l3, err := g.addLayer(l3data, gzipped, "imagegen: opt/tool/etc/conf, home/app/.profile, whiteout of data/deep/er, parents unlisted")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.image("amd64", []layer{bb, l2, l3})
}

// devicesImage has a layer with device nodes, which an unprivileged user
// cannot create.
func (g *generator) devicesImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	t := newTarBuilder()
	t.dir("dev/", 0o755, 0, 0)
	t.add(&tar.Header{Typeflag: tar.TypeChar, Name: "dev/husk-null", Mode: 0o666, Devmajor: 1, Devminor: 3}, nil)
	t.add(&tar.Header{Typeflag: tar.TypeBlock, Name: "dev/husk-loop0", Mode: 0o660, Devmajor: 7, Devminor: 0}, nil)
	t.dir("lib/", 0o755, 0, 0)
	t.dir("lib/devs/", 0o755, 0, 0)
	t.add(&tar.Header{Typeflag: tar.TypeChar, Name: "lib/devs/zero", Mode: 0o644, Devmajor: 1, Devminor: 5}, nil)
	t.file("devices-ok", 0o644, 0, 0, []byte("devices ok\n"))
	data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l, err := g.addLayer(data, gzipped, "imagegen: char devices dev/husk-null (1,3) and lib/devs/zero (1,5), block device dev/husk-loop0 (7,0), /devices-ok")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.image("amd64", []layer{bb, l})
}

// hugeEnvSize is the size of hugeenv's one big environment variable.
const hugeEnvSize = 10 << 20

func (g *generator) hugeEnvImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.image("amd64", []layer{bb}, func(c *ocispec.ImageConfig) {
		c.Env = append(c.Env, "HUGE="+strings.Repeat("x", hugeEnvSize))
	})
}

// badGzipImage's second layer is a gzip stream with bytes overwritten just
// after its header, so that decompressing it fails within the first few
// bytes. The manifest names the corrupt blob's own digest: the blob is
// delivered intact, it is the stream that is bad.
func (g *generator) badGzipImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	t := newTarBuilder()
	t.file("badgzip", 0o644, 0, 0, pseudoRandom("husk-badgzip", 64<<10))
	data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	if _, err := zw.Write(data); err != nil {
		return ocispec.Descriptor{}, err
	}
	if err := zw.Close(); err != nil {
		return ocispec.Descriptor{}, err
	}
	blob := buf.Bytes()
	// Bytes 10..: the deflate stream, right after the 10-byte gzip header.
	// A stored or fixed-Huffman block header of 0xff bytes is invalid.
	for i := 10; i < 26; i++ {
		blob[i] = 0xff
	}
	if err := failsEarly(blob); err != nil {
		return ocispec.Descriptor{}, err
	}
	d, err := g.l.writeBlob(blob)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l := layer{
		desc:    ocispec.Descriptor{MediaType: ocispec.MediaTypeImageLayerGzip, Digest: d, Size: int64(len(blob))},
		diffID:  digest.FromBytes(data),
		comment: "imagegen: /badgzip, its gzip stream corrupted near its start",
	}
	return g.image("amd64", []layer{bb, l})
}

// failsEarly makes sure a corrupt gzip blob fails to decompress within its
// first 4 KiB of output.
func failsEarly(blob []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil // fails at the header: early enough
	}
	n, err := io.Copy(io.Discard, zr)
	if err == nil || n > 4096 {
		return fmt.Errorf("corrupted gzip stream decompressed %d bytes (error %v): not corrupt near its start", n, err)
	}
	return nil
}

func (g *generator) nullConfigImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.imageWithConfig("amd64", []layer{bb}, []byte("null"))
}

func (g *generator) diffIDMismatchImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	t := newTarBuilder()
	t.file("mismatch", 0o644, 0, 0, []byte("the config's diff_id is not this layer's\n"))
	data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l, err := g.addLayer(data, gzipped, "imagegen: /mismatch, whose diff_id in the config is wrong")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l.diffID = digest.FromString("husk diffidmismatch: not the layer")
	return g.image("amd64", []layer{bb, l})
}

// selfIndexImage is an image index stored under a digest that is not its
// content's, whose one entry is that same digest: read naively, the index
// contains itself.
func (g *generator) selfIndexImage(string) (ocispec.Descriptor, error) {
	self := digest.FromString("husk selfindex")
	index := ocispec.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageIndex,
		Manifests: []ocispec.Descriptor{{
			MediaType: ocispec.MediaTypeImageIndex,
			Digest:    self,
			Platform:  &ocispec.Platform{Architecture: "amd64", OS: "linux"},
		}},
	}
	data, err := json.Marshal(index)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	index.Manifests[0].Size = int64(len(data))
	if data, err = json.Marshal(index); err != nil {
		return ocispec.Descriptor{}, err
	}
	p := filepath.Join(g.l.dir, "blobs", self.Algorithm().String(), self.Encoded())
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return ocispec.Descriptor{}, err
	}
	return ocispec.Descriptor{MediaType: ocispec.MediaTypeImageIndex, Digest: self, Size: int64(len(data))}, nil
}

// manyLayersCount is the number of layers of manylayers.
const manyLayersCount = 200

func (g *generator) manyLayersImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	layers := []layer{bb}
	for i := 1; i < manyLayersCount; i++ {
		t := newTarBuilder()
		t.dir("layers/", 0o755, 0, 0)
		t.file(fmt.Sprintf("layers/%03d", i), 0o644, 0, 0, []byte(fmt.Sprintf("layer %d\n", i)))
		data, err := t.bytes()
		if err != nil {
			return ocispec.Descriptor{}, err
		}
		l, err := g.addLayer(data, gzipped, fmt.Sprintf("imagegen: /layers/%03d", i))
		if err != nil {
			return ocispec.Descriptor{}, err
		}
		layers = append(layers, l)
	}
	return g.image("amd64", layers)
}

// deepTreeDepth is the number of nested directories of deeptree.
const deepTreeDepth = 1000

func (g *generator) deepTreeImage(string) (ocispec.Descriptor, error) {
	bb, err := g.busyboxLayer(gzipped)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	t := newTarBuilder()
	name := "deep/"
	t.dir(name, 0o755, 0, 0)
	for i := 1; i < deepTreeDepth; i++ {
		name += "d/"
		t.dir(name, 0o755, 0, 0)
	}
	t.file(name+"bottom", 0o644, 0, 0, []byte("bottom\n"))
	data, err := t.bytes()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	l, err := g.addLayer(data, gzipped, fmt.Sprintf("imagegen: /deep/d/.../d/bottom, %d directories deep", deepTreeDepth))
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return g.image("amd64", []layer{bb, l})
}

// ---------------------------------------------------------------- busybox layer

func busyboxLayerTar(path string) ([]byte, error) {
	bin, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading busybox (install busybox-static): %w", err)
	}
	if !isStaticELF(bin) {
		return nil, fmt.Errorf("%s is not a statically linked ELF binary (install busybox-static)", path)
	}
	out, err := exec.Command(path, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list: %w", path, err)
	}
	applets := strings.Fields(string(out))
	slices.Sort(applets)
	applets = slices.Compact(applets)

	t := newTarBuilder()
	t.dir("bin/", 0o755, 0, 0)
	t.file("bin/busybox", 0o755, 0, 0, bin)
	for _, a := range applets {
		if a == "busybox" || strings.ContainsRune(a, '/') {
			continue
		}
		t.symlink("bin/"+a, "/bin/busybox")
	}
	t.dir("dev/", 0o755, 0, 0)
	t.dir("etc/", 0o755, 0, 0)
	t.file("etc/passwd", 0o644, 0, 0, []byte(
		"root:x:0:0:root:/root:/bin/sh\n"+
			"app:x:1000:1000:app:/home/app:/bin/sh\n"+
			"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"))
	t.file("etc/group", 0o644, 0, 0, []byte(
		"root:x:0:\n"+
			"wheel:x:10:root\n"+
			"app:x:1000:\n"+
			"nobody:x:65534:\n"))
	t.dir("home/", 0o755, 0, 0)
	t.dir("home/app/", 0o755, 1000, 1000)
	t.dir("proc/", 0o755, 0, 0)
	t.dir("root/", 0o700, 0, 0)
	t.dir("sys/", 0o755, 0, 0)
	t.dir("tmp/", 0o1777, 0, 0)
	return t.bytes()
}

// isStaticELF reports whether b is an ELF executable without a PT_INTERP
// program header (that is, not dynamically linked). 64-bit little-endian only,
// which is what the tests run on.
func isStaticELF(b []byte) bool {
	if len(b) < 64 || string(b[:4]) != "\x7fELF" || b[4] != 2 || b[5] != 1 {
		return false
	}
	phoff := binary.LittleEndian.Uint64(b[32:])
	phentsize := uint64(binary.LittleEndian.Uint16(b[54:]))
	phnum := uint64(binary.LittleEndian.Uint16(b[56:]))
	for i := uint64(0); i < phnum; i++ {
		off := phoff + i*phentsize
		if off+4 > uint64(len(b)) {
			return false
		}
		if binary.LittleEndian.Uint32(b[off:]) == 3 { // PT_INTERP
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------- tar helpers

// tarBuilder writes an uncompressed tar with fixed metadata. The first error
// sticks and is returned by bytes().
type tarBuilder struct {
	buf bytes.Buffer
	tw  *tar.Writer
	err error
}

func newTarBuilder() *tarBuilder {
	t := &tarBuilder{}
	t.tw = tar.NewWriter(&t.buf)
	return t
}

// add writes h (with mtime, owner names and size filled in) and data.
func (t *tarBuilder) add(h *tar.Header, data []byte) {
	if t.err != nil {
		return
	}
	h.ModTime = epoch
	h.Uname, h.Gname = "", ""
	if h.Typeflag == tar.TypeReg {
		h.Size = int64(len(data))
	}
	if h.PAXRecords != nil {
		h.Format = tar.FormatPAX
	}
	if t.err = t.tw.WriteHeader(h); t.err != nil {
		t.err = fmt.Errorf("tar header %q: %w", h.Name, t.err)
		return
	}
	if len(data) > 0 {
		_, t.err = t.tw.Write(data)
	}
}

func (t *tarBuilder) dir(name string, mode int64, uid, gid int) {
	t.add(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode, Uid: uid, Gid: gid}, nil)
}

func (t *tarBuilder) file(name string, mode int64, uid, gid int, data []byte) {
	t.add(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Uid: uid, Gid: gid}, data)
}

func (t *tarBuilder) symlink(name, target string) {
	t.add(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}, nil)
}

func (t *tarBuilder) bytes() ([]byte, error) {
	if t.err != nil {
		return nil, t.err
	}
	if err := t.tw.Close(); err != nil {
		return nil, err
	}
	return t.buf.Bytes(), nil
}

// pseudoRandom returns n deterministic bytes: SHA-256 in counter mode over
// seed. Stable across Go versions (unlike math/rand streams).
func pseudoRandom(seed string, n int) []byte {
	out := make([]byte, 0, n+sha256.Size)
	var ctr [8]byte
	for i := uint64(0); len(out) < n; i++ {
		binary.BigEndian.PutUint64(ctr[:], i)
		h := sha256.New()
		h.Write([]byte(seed))
		h.Write(ctr[:])
		out = h.Sum(out)
	}
	return out[:n]
}
