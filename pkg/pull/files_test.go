package pull

import (
	"archive/tar"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// layoutWith writes an OCI layout whose index names one manifest blob.
func layoutWith(t *testing.T, manifest []byte) (dir string, manifestPath string) {
	t.Helper()
	dir = t.TempDir()
	d := digest.FromBytes(manifest)
	manifestPath = filepath.Join(dir, "blobs", "sha256", d.Encoded())
	if err := os.MkdirAll(filepath.Dir(manifestPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifestPath, manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	index := `{"schemaVersion":2,"manifests":[{"mediaType":"` + imgspecv1.MediaTypeImageManifest + `","digest":"` + d.String() + `","size":1}]}`
	if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, manifestPath
}

func TestCheckOCILayout(t *testing.T) {
	dir, _ := layoutWith(t, []byte(`{"schemaVersion":2}`))
	if err := checkOCILayout(dir); err != nil {
		t.Fatalf("good layout: %v", err)
	}

	dir, _ = layoutWith(t, []byte(`{}`))
	idx := filepath.Join(dir, "index.json")
	os.Remove(idx)
	if err := syscall.Mkfifo(idx, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkOCILayout(dir); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "a FIFO") {
		t.Fatalf("index.json a FIFO: %v", err)
	}

	dir, _ = layoutWith(t, []byte(`{}`))
	idx = filepath.Join(dir, "index.json")
	os.Remove(idx)
	if err := os.Symlink("/dev/zero", idx); err != nil {
		t.Fatal(err)
	}
	if err := checkOCILayout(dir); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "character device") {
		t.Fatalf("index.json -> /dev/zero: %v", err)
	}

	big := []byte(`{"schemaVersion":2,"x":"` + strings.Repeat("x", MaxManifestSize) + `"}`)
	dir, _ = layoutWith(t, big)
	if err := checkOCILayout(dir); !errors.Is(err, ErrFileTooLarge) {
		t.Fatalf("5 MiB manifest: %v", err)
	}

	dir, m := layoutWith(t, []byte(`{}`))
	os.Remove(m)
	if err := syscall.Mkfifo(m, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkOCILayout(dir); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("manifest blob a FIFO: %v", err)
	}

	// An index that names itself is followed once.
	dir = t.TempDir()
	self := digest.FromString("self")
	p := filepath.Join(dir, "blobs", "sha256", self.Encoded())
	os.MkdirAll(filepath.Dir(p), 0o755)
	body := `{"schemaVersion":2,"manifests":[{"mediaType":"` + imgspecv1.MediaTypeImageIndex + `","digest":"` + self.String() + `","size":1}]}`
	os.WriteFile(p, []byte(body), 0o644)
	os.WriteFile(filepath.Join(dir, "index.json"), []byte(body), 0o644)
	if err := checkOCILayout(dir); err != nil {
		t.Fatalf("self-referencing index: %v", err)
	}
}

func TestCheckOCIArchive(t *testing.T) {
	write := func(entries ...tar.Header) string {
		p := filepath.Join(t.TempDir(), "a.tar")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		tw := tar.NewWriter(f)
		for _, h := range entries {
			if err := tw.WriteHeader(&h); err != nil {
				t.Fatal(err)
			}
			if h.Typeflag == tar.TypeReg {
				if _, err := tw.Write(make([]byte, h.Size)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if err := checkOCIArchive(write(tar.Header{Name: "oci-layout", Typeflag: tar.TypeReg, Size: 2}, tar.Header{Name: "blobs/", Typeflag: tar.TypeDir})); err != nil {
		t.Fatalf("plain archive: %v", err)
	}
	if err := checkOCIArchive(write(tar.Header{Name: "index.json", Typeflag: tar.TypeFifo})); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("FIFO entry: %v", err)
	}
	if err := checkOCIArchive(write(tar.Header{Name: "index.json", Typeflag: tar.TypeSymlink, Linkname: "/dev/zero"})); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("symlink entry: %v", err)
	}
	if err := checkOCIArchive(write(tar.Header{Name: "index.json", Typeflag: tar.TypeReg, Size: MaxManifestSize + 1})); !errors.Is(err, ErrFileTooLarge) {
		t.Fatalf("huge index.json: %v", err)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkOCIArchive(fifo); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("archive a FIFO: %v", err)
	}
}

func TestCheckConfigFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv("DOCKER_CONFIG", "")
	t.Setenv("CONTAINERS_REGISTRIES_CONF", "")
	if err := os.MkdirAll(filepath.Join(dir, "containers"), 0o700); err != nil {
		t.Fatal(err)
	}
	ro := pullopts.RegistryOptions{}
	if _, err := ro.SystemContext(); err != nil {
		t.Fatalf("no files: %v", err)
	}
	auth := filepath.Join(dir, "containers", "auth.json")
	if err := os.Symlink("/dev/zero", auth); err != nil {
		t.Fatal(err)
	}
	if _, err := ro.SystemContext(); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), auth) {
		t.Fatalf("default auth file -> /dev/zero: %v", err)
	}
	os.Remove(auth)
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, pullopts.MaxAuthFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := (pullopts.RegistryOptions{AuthFile: big}).SystemContext(); !errors.Is(err, ErrFileTooLarge) {
		t.Fatalf("--authfile of 1 MiB + 1: %v", err)
	}
	fifo := filepath.Join(dir, "registries.conf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := (pullopts.RegistryOptions{RegistriesConf: fifo}).SystemContext(); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("--registries-conf a FIFO: %v", err)
	}
}

func TestCheckDirSource(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "version"), []byte("1.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkDirSource(dir); err != nil {
		t.Fatalf("good dir: %v", err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, strings.Repeat("a", 64)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkDirSource(dir); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("a FIFO blob: %v", err)
	}
}

// A named pipe given as an archive is refused, not opened (the open would
// block until something writes to it).
func TestArchiveFIFONotOpened(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "image.tar")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	go func() { _, err := detectArchive(fifo); done <- err }()
	go func() { _, err := ociRefName(fifo); done <- err }()
	for i := 0; i < 2; i++ {
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("a FIFO as the archive: %v, want ErrNotRegular", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("opening a FIFO as the archive blocked")
		}
	}
}

func TestIsURL(t *testing.T) {
	for in, want := range map[string]bool{
		"http://127.0.0.1:8000/a.tar": true, "https://example.org/a.tar": true,
		"a.tar": false, "/srv/http://x": false, "ftp://x/a.tar": false, "": false,
	} {
		if got := IsURL(in); got != want {
			t.Errorf("IsURL(%q) = %v", in, got)
		}
	}
}
