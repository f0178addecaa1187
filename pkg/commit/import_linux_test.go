package commit

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/commit/commitopts"
	"github.com/husk-dev/husk/pkg/storage/storagetest"
)

// writeTarball writes a gzipped tar with one file to dir.
func writeTarball(t *testing.T, dir string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	body := []byte("hello\n")
	if err := tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "rootfs.tar.gz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImport(t *testing.T) {
	s := storagetest.VFS(t)
	env := Env{Store: s}
	dir := t.TempDir()
	p := writeTarball(t, dir)
	o := commitopts.ImportOptions{Changes: []string{`CMD ["cat", "/hello.txt"]`, "ENV A=b"}, Message: "from a test"}
	id, err := Import(context.Background(), env, Tarball{Path: p, Name: p}, "imported", o)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := s.Lookup("localhost/imported:latest")
	if err != nil || img.ID != id {
		t.Fatalf("lookup: %v %v (id %s)", img, err, id)
	}
	cfg, err := s.ImageConfig(id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Config.Cmd, " ") != "cat /hello.txt" || len(cfg.Config.Env) != 1 || cfg.Config.Env[0] != "A=b" {
		t.Errorf("config %+v", cfg.Config)
	}
	if len(cfg.History) != 1 || cfg.History[0].Comment != "from a test" || !strings.HasPrefix(cfg.History[0].CreatedBy, "/bin/sh -c #(nop) ADD file:") {
		t.Errorf("history %+v", cfg.History)
	}
	if len(cfg.RootFS.DiffIDs) != 1 {
		t.Errorf("layers %v", cfg.RootFS.DiffIDs)
	}
	changes, err := s.LayerChanges(img.TopLayer)
	if err != nil || len(changes) != 1 || changes[0].Path != "/hello.txt" {
		t.Errorf("layer changes %v %v", changes, err)
	}
}

func TestImportRefuses(t *testing.T) {
	s := storagetest.VFS(t)
	env := Env{Store: s}
	dir := t.TempDir()
	good := writeTarball(t, dir)
	empty := filepath.Join(dir, "empty")
	notTar := filepath.Join(dir, "not.tar")
	_ = os.WriteFile(empty, nil, 0o644)
	_ = os.WriteFile(notTar, []byte("just text, no tar header here"), 0o644)
	for _, tc := range []struct {
		path, dest string
		changes    []string
		want       string
	}{
		{empty, "", nil, "is empty"},
		{notTar, "", nil, "not a tar archive"},
		{filepath.Join(dir, "missing"), "", nil, "no such file"},
		{good, "Bad Name", nil, "invalid name"},
		{good, "", []string{"FOO bar"}, "FOO bar"},
		{good, "", []string{"EXPOSE abc"}, "EXPOSE abc"},
	} {
		_, err := Import(context.Background(), env, Tarball{Path: tc.path, Name: tc.path}, tc.dest, commitopts.ImportOptions{Changes: tc.changes})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q %q: %v, want an error with %q", tc.path, tc.dest, tc.changes, err, tc.want)
		}
	}
	imgs, err := s.Images()
	if err != nil || len(imgs) != 0 {
		t.Errorf("images after refused imports: %v %v", imgs, err)
	}
}
