package runtime

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tar stream written from a container extracts into another place of
// it as it was; names that climb out land inside; gzip is read; what is
// no tar is refused.
func TestTarStreams(t *testing.T) {
	tree, rootfs, _ := testTree(t)
	must(t, os.MkdirAll(filepath.Join(rootfs, "src/sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(rootfs, "src/sub/a"), []byte("a"), 0o640))
	must(t, os.Symlink("/etc/passwd", filepath.Join(rootfs, "src/link")))
	var b bytes.Buffer
	must(t, writeTar(tree, "/src", &b))
	var names []string
	tr := tar.NewReader(bytes.NewReader(b.Bytes()))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		must(t, err)
		names = append(names, h.Name)
	}
	if got := strings.Join(names, " "); got != "src/ src/link src/sub/ src/sub/a" {
		t.Errorf("stream holds %q", got)
	}
	keep := copyOwner{keep: true, uid: -1, gid: -1}
	must(t, extractTar(tree, bytes.NewReader(b.Bytes()), "/real", keep))
	if got := readFile(t, filepath.Join(rootfs, "real/src/sub/a")); got != "a" {
		t.Errorf("extracted a: %q", got)
	}
	if target, err := os.Readlink(filepath.Join(rootfs, "real/src/link")); err != nil || target != "/etc/passwd" {
		t.Errorf("extracted link: %q %v", target, err)
	}

	// ../ names, gzip-compressed.
	var z bytes.Buffer
	gz := gzip.NewWriter(&z)
	tw := tar.NewWriter(gz)
	must(t, tw.WriteHeader(&tar.Header{Name: "../../../up", Mode: 0o644, Size: 2, Typeflag: tar.TypeReg}))
	_, err := tw.Write([]byte("up"))
	must(t, err)
	must(t, tw.Close())
	must(t, gz.Close())
	must(t, extractTar(tree, &z, "/tmp", keep))
	if got := readFile(t, filepath.Join(rootfs, "tmp/up")); got != "up" {
		t.Errorf("../../../up: %q", got)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(rootfs), "up")); err == nil {
		t.Error("../ escaped the directory")
	}
	if err := extractTar(tree, strings.NewReader("no tar\n"), "/tmp", keep); !errors.Is(err, ErrNotTar) {
		t.Errorf("no tar: %v", err)
	}
}

// --overwrite: a file where a directory is (and the other way round) is
// refused without it and replaced with it, in the container.
func TestCopyOverwrite(t *testing.T) {
	tree, rootfs, _ := testTree(t)
	host := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(host, "x/y"), 0o755))
	must(t, os.WriteFile(filepath.Join(rootfs, "tmp/x"), []byte("file"), 0o644))
	own := copyOwner{keep: true}
	if err := copyIn(tree, filepath.Join(host, "x"), "/tmp", "/tmp", false, own); err == nil || !strings.Contains(err.Error(), "a file is there") {
		t.Fatalf("dir over file without overwrite: %v", err)
	}
	tree.overwrite = true
	must(t, copyIn(tree, filepath.Join(host, "x"), "/tmp", "/tmp", false, own))
	if fi, err := os.Stat(filepath.Join(rootfs, "tmp/x/y")); err != nil || !fi.IsDir() {
		t.Errorf("tmp/x/y: %v", err)
	}
}
