package transfer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

func TestPullArgs(t *testing.T) {
	no := false
	got := PullArgs("reg.example/a:1", pullopts.RegistryOptions{
		TLSVerify: &no, AuthFile: "/a/auth.json", CertDir: "/c", Creds: "u:p", Platform: "linux/arm64",
		BlobInfoCacheDir: "/ignored: the helper derives it from the store",
	})
	want := []string{"pull", "--tls-verify=false", "--authfile=/a/auth.json", "--cert-dir=/c", "--creds=u:p",
		"--platform=linux/arm64", "--", "reg.example/a:1"}
	if !slices.Equal(got, want) {
		t.Errorf("PullArgs = %q, want %q", got, want)
	}
	if got := PullArgs("-odd", pullopts.RegistryOptions{}); !slices.Equal(got, []string{"pull", "--", "-odd"}) {
		t.Errorf("PullArgs without options = %q", got)
	}
}

func TestFindHelper(t *testing.T) {
	t.Setenv(HelperEnv, "/opt/h/husk-transfer")
	if p, err := FindHelper(); err != nil || p != "/opt/h/husk-transfer" {
		t.Errorf("with %s: %q, %v", HelperEnv, p, err)
	}
	t.Setenv(HelperEnv, "")
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	_, err := FindHelper()
	exe, _ := os.Executable()
	if err == nil {
		if _, serr := os.Stat(filepath.Join(filepath.Dir(exe), HelperName)); serr == nil {
			t.Skip("a husk-transfer lies beside the test binary")
		}
		t.Fatal("no helper anywhere, yet no error")
	}
	for _, s := range []string{HelperName, filepath.Dir(exe), "make build", HelperEnv} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	h := filepath.Join(dir, HelperName)
	if err := os.WriteFile(h, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := FindHelper(); err != nil || p != h {
		t.Errorf("helper in PATH: %q, %v; want %q", p, err, h)
	}
}
