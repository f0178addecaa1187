package pull

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/storage/storagetest"
)

func TestParseSource(t *testing.T) {
	tests := []struct {
		in       string
		registry bool
		err      bool
	}{
		{"busybox", true, false},
		{"127.0.0.1:5055/husk-test/busybox:latest", true, false},
		{"docker://127.0.0.1:5055/x", true, false},
		{"oci:/tmp/layout:latest", false, false},
		{"oci-archive:/tmp/a.tar", false, false},
		{"docker-archive:/tmp/a.tar", false, false},
		{"dir:/tmp/d", false, false},
		{"", false, true},
		{"UPPER/Case", false, true},
		{"a::b", false, true},
		{"docker://", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, err := ParseSource(tt.in)
			if tt.err {
				if !errors.Is(err, ErrBadReference) {
					t.Fatalf("got %v, want ErrBadReference", err)
				}
				return
			}
			if err != nil || s.IsRegistry() != tt.registry {
				t.Fatalf("got %+v %v", s, err)
			}
		})
	}
}

func TestParseSourceDropsATagBesideADigest(t *testing.T) {
	const dg = "@sha256:c2251132d4a637ddb2307d849f6c062b6e6b7d69442c04cc423ccf59dbf00c40"
	for in, want := range map[string]string{
		"busybox:latest" + dg:                                   "busybox" + dg,
		"127.0.0.1:5055/husk-test/busybox:1.36" + dg:            "127.0.0.1:5055/husk-test/busybox" + dg,
		"docker://127.0.0.1:5055/husk-test/busybox:latest" + dg: "127.0.0.1:5055/husk-test/busybox" + dg,
		"127.0.0.1:5055/husk-test/busybox" + dg:                 "127.0.0.1:5055/husk-test/busybox" + dg,
		"127.0.0.1:5055/husk-test/busybox:latest":               "127.0.0.1:5055/husk-test/busybox:latest",
	} {
		s, err := ParseSource(in)
		if err != nil || s.Name != want {
			t.Errorf("ParseSource(%q) = %q, %v; want %q", in, s.Name, err, want)
		}
	}
}

func TestParsePlatform(t *testing.T) {
	p, err := ParsePlatform("linux/arm64/v8")
	if err != nil || p != (Platform{OS: "linux", Arch: "arm64", Variant: "v8"}) {
		t.Fatalf("%+v %v", p, err)
	}
	for _, bad := range []string{"linux", "/arm64", "a/b/c/d"} {
		if _, err := ParsePlatform(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSystemContext(t *testing.T) {
	f := false
	sys, err := RegistryOptions{TLSVerify: &f, Creds: "u:p:w", Platform: "linux/arm64"}.SystemContext()
	if err != nil {
		t.Fatal(err)
	}
	if sys.DockerInsecureSkipTLSVerify != types.OptionalBoolTrue || sys.DockerAuthConfig.Password != "p:w" || sys.ArchitectureChoice != "arm64" {
		t.Fatalf("%+v", sys)
	}
	sys, _ = RegistryOptions{}.SystemContext()
	if sys.DockerInsecureSkipTLSVerify != types.OptionalBoolUndefined {
		t.Fatal("TLS verification decided without the flag")
	}
	if _, err := (RegistryOptions{Creds: ":x"}).SystemContext(); err == nil {
		t.Fatal("empty user accepted")
	}
	if _, err := (RegistryOptions{RegistriesConf: "/nonexistent/registries.conf"}).SystemContext(); err == nil {
		t.Fatal("missing registries.conf accepted")
	}
}

func TestQualified(t *testing.T) {
	if _, err := qualified("busybox"); err == nil {
		t.Fatal("short push destination accepted")
	}
	n, err := qualified("127.0.0.1:5055/x/y")
	if err != nil || n.String() != "127.0.0.1:5055/x/y:latest" {
		t.Fatalf("%v %v", n, err)
	}
}

func testImages(t *testing.T) string {
	d := os.Getenv("HUSK_TEST_IMAGES")
	if d == "" {
		d = "/var/tmp/husk-test-images"
	}
	if _, err := os.Stat(filepath.Join(d, "busybox", "index.json")); err != nil {
		t.Skipf("needs the test images (make images): %v", err)
	}
	return d
}

func openStore(t *testing.T) *storage.Store { return storagetest.VFS(t) }

func TestPullOCILayoutAndSaveLoad(t *testing.T) {
	imgs := testImages(t)
	s := openStore(t)
	ctx := context.Background()
	res, err := Pull(ctx, s, "oci:"+filepath.Join(imgs, "busybox")+":latest", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "localhost/busybox:latest" || len(res.ID) != 64 {
		t.Fatalf("%+v", res)
	}
	cfg, err := s.ImageConfig(res.ID)
	if err != nil || cfg.Architecture != "amd64" || len(cfg.Config.Cmd) == 0 {
		t.Fatalf("image config: %+v %v", cfg, err)
	}
	for _, f := range []ArchiveFormat{FormatOCIArchive, FormatDockerArchive} {
		t.Run(string(f), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "a.tar")
			if err := Save(ctx, s, []string{"busybox"}, out, SaveOptions{Format: f}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RemoveImage(res.ID, storage.RemoveOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			got, err := Load(ctx, s, out, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].ID != res.ID || len(got[0].Names) != 1 || got[0].Names[0] != res.Name {
				t.Fatalf("loaded %+v, saved %+v", got, res)
			}
		})
	}
}

// save with names after the first gives the image those names; with
// MultiImage they are images: load brings back each with its names.
func TestSaveLoadSeveral(t *testing.T) {
	imgs := testImages(t)
	s := openStore(t)
	ctx := context.Background()
	var ids []string
	for _, img := range []string{"busybox", "multilayer"} {
		res, err := Pull(ctx, s, "oci:"+filepath.Join(imgs, img)+":latest", Options{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ID)
	}
	dir := t.TempDir()
	named := filepath.Join(dir, "named.tar")
	if err := Save(ctx, s, []string{"busybox", "other:1", "example.org/x"}, named, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	multi := filepath.Join(dir, "multi.tar")
	if err := Save(ctx, s, []string{"busybox", "multilayer"}, multi, SaveOptions{MultiImage: true}); err != nil {
		t.Fatal(err)
	}
	if err := Save(ctx, s, []string{"busybox", "multilayer"}, filepath.Join(dir, "x"), SaveOptions{Format: FormatOCIArchive, MultiImage: true}); err == nil {
		t.Error("multi-image oci-archive: no error")
	}
	if err := Save(ctx, s, []string{"busybox", "other:1"}, filepath.Join(dir, "y"), SaveOptions{Format: FormatOCIArchive}); err == nil {
		t.Error("oci-archive with two names: no error")
	}
	for _, id := range ids {
		if _, err := s.RemoveImage(id, storage.RemoveOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Load(ctx, s, named, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := "[{" + ids[0] + " [localhost/busybox:latest localhost/other:1 example.org/x:latest]}]"
	if fmt.Sprint(got) != want {
		t.Errorf("load of named:\n got %v\nwant %s", got, want)
	}
	got, err = Load(ctx, s, multi, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want = "[{" + ids[0] + " [localhost/busybox:latest]} {" + ids[1] + " [localhost/multilayer:latest]}]"
	if fmt.Sprint(got) != want {
		t.Errorf("load of multi:\n got %v\nwant %s", got, want)
	}
}

// A layout whose layer blob was altered: the pull names the digest and
// leaves no image and no layer behind.
func TestPullTamperedLayoutStoresNothing(t *testing.T) {
	imgs := testImages(t)
	s := openStore(t)
	layout := filepath.Join(t.TempDir(), "tampered")
	if err := os.CopyFS(layout, os.DirFS(filepath.Join(imgs, "tampered"))); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(imgs, "tampered.blob"))
	if err != nil {
		t.Fatal(err)
	}
	dgst := strings.TrimSpace(string(b))
	blob := filepath.Join(layout, "blobs", "sha256", strings.TrimPrefix(dgst, "sha256:"))
	data, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(blob, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Pull(context.Background(), s, "oci:"+layout+":latest", Options{})
	if err == nil {
		t.Fatal("tampered image pulled")
	}
	if !strings.Contains(err.Error(), strings.TrimPrefix(dgst, "sha256:")) {
		t.Errorf("error does not name the digest %s: %v", dgst, err)
	}
	if imgs, _ := s.Images(); len(imgs) != 0 {
		t.Errorf("images left: %v", imgs)
	}
	if ids, _ := s.LayerIDs(); len(ids) != 0 {
		t.Errorf("layers left: %v", ids)
	}
}

func TestPolicyJSONHonoured(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CONTAINERS_POLICY_JSON", filepath.Join(dir, "policy.json"))
	if err := os.WriteFile(filepath.Join(dir, "policy.json"), []byte(`{"default":[{"type":"reject"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	pc, err := policyContext(nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = pc.Destroy()
	imgs := testImages(t)
	s := openStore(t)
	_, err = Pull(context.Background(), s, "oci:"+filepath.Join(imgs, "busybox")+":latest", Options{})
	if err == nil || !strings.Contains(err.Error(), "rejected") {
		t.Fatalf("pull under a reject-all policy: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "policy.json"), []byte(`{not json`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := policyContext(nil); err == nil {
		t.Fatal("invalid policy.json accepted")
	}
}
