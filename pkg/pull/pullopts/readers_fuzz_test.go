package pullopts

// Fuzz targets for the files husk hands containers/image on the user's
// word (registries.conf, the auth file) and for --platform: whatever they
// hold, husk gets an error or a value, never a panic or a hang.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.podman.io/image/v5/pkg/docker/config"
	"go.podman.io/image/v5/pkg/sysregistriesv2"
)

func FuzzRegistriesConf(f *testing.F) {
	f.Add("unqualified-search-registries = [\"127.0.0.1:5055\"]\n\n[[registry]]\nlocation = \"127.0.0.1:5055\"\ninsecure = true\n")
	f.Add("[[registry]]\nprefix = \"example.com/foo\"\nlocation = \"mirror.example/bar\"\n[[registry.mirror]]\nlocation = \"m2.example\"\n")
	f.Add("short-name-mode = \"enforcing\"\n[aliases]\n\"busybox\" = \"docker.io/library/busybox\"\n")
	f.Add("[registries.search]\nregistries = ['docker.io']\n")
	f.Add("[[registry]]\nlocation = \"*.example.com\"\n")
	f.Add("= =")
	dir := f.TempDir()
	conf := filepath.Join(dir, "registries.conf")
	dropins := filepath.Join(dir, "registries.conf.d")
	if err := os.Mkdir(dropins, 0o700); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := os.WriteFile(conf, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		sys, err := RegistryOptions{RegistriesConf: conf}.SystemContext()
		if err != nil {
			t.Fatalf("SystemContext: %v", err)
		}
		sys.SystemRegistriesConfDirPath = dropins
		sysregistriesv2.InvalidateCache()
		if _, err := sysregistriesv2.GetRegistries(sys); err != nil {
			return
		}
		_, _ = sysregistriesv2.UnqualifiedSearchRegistries(sys)
		_, _ = sysregistriesv2.FindRegistry(sys, "example.com/foo/image:tag")
		_, _ = sysregistriesv2.FindRegistry(sys, "127.0.0.1:5055/husk-test/busybox")
		_, _ = sysregistriesv2.GetShortNameMode(sys)
	})
}

func FuzzAuthFile(f *testing.F) {
	f.Add(`{"auths":{"registry.example":{"auth":"dXNlcjpwYXNz"}}}`)
	f.Add(`{"auths":{"registry.example/ns":{"auth":"dXNlcjpwYXNz"},"registry.example":{"identitytoken":"tok"}}}`)
	f.Add(`{"auths":{"registry.example":{"auth":"not base64!"}}}`)
	f.Add(`{"auths":{"registry.example":{"auth":"bm9jb2xvbg=="}}}`)
	f.Add(`{"auths":null}`)
	f.Add(`[]`)
	dir := f.TempDir()
	auth := filepath.Join(dir, "auth.json")
	conf := filepath.Join(dir, "registries.conf")
	if err := os.WriteFile(conf, nil, 0o600); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Credential helpers named in the file are programs that
		// containers/image executes: not in a fuzz test. (encoding/json
		// matches keys without regard to case.)
		var top map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &top) == nil {
			for k := range top {
				if l := strings.ToLower(k); l == "credhelpers" || l == "credsstore" {
					return
				}
			}
		}
		if err := os.WriteFile(auth, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		sys, err := RegistryOptions{AuthFile: auth, RegistriesConf: conf}.SystemContext()
		if err != nil {
			t.Fatalf("SystemContext: %v", err)
		}
		sysregistriesv2.InvalidateCache()
		_, _ = config.GetCredentials(sys, "registry.example")
		_, _ = config.GetCredentials(sys, "registry.example/ns/repo")
	})
}

func FuzzParsePlatform(f *testing.F) {
	for _, s := range []string{"linux/amd64", "linux/arm64/v8", "linux", "/", "a/b/c/d", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePlatform(s)
		if err != nil || s == "" {
			return
		}
		if p.OS == "" || p.Arch == "" || strings.Contains(p.OS+p.Arch+p.Variant, "/") {
			t.Fatalf("%q: %+v accepted", s, p)
		}
	})
}
