package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// FuzzImageConfigSpec takes an image's config (the JSON an image author
// controls) the way buildSpec does, through to the config.json husk
// writes for the runtime.
func FuzzImageConfigSpec(f *testing.F) {
	for _, s := range []string{
		`{"config":{"Entrypoint":["/bin/sh","-c"],"Cmd":["echo hi"],"Env":["PATH=/bin","A=1"],"WorkingDir":"/w","User":"1000:1000","StopSignal":"SIGINT"}}`,
		`{"config":{"Cmd":["true"],"Env":["NOEQUALS","=x","A=\u0000"],"User":"app"}}`,
		`{"config":{"Entrypoint":[],"Cmd":[]}}`,
		`{"config":{"Cmd":["x"],"WorkingDir":"relative","StopSignal":"99"}}`,
		`{}`, `null`, `{"config":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var ic imgspecv1.Image
		if err := json.Unmarshal(b, &ic); err != nil {
			return
		}
		img := spec.ImageConfig{
			Entrypoint: ic.Config.Entrypoint, Cmd: ic.Config.Cmd, Env: ic.Config.Env,
			WorkingDir: ic.Config.WorkingDir, User: ic.Config.User, StopSignal: ic.Config.StopSignal,
		}
		if img.StopSignal != "" {
			_, _ = ParseSignal(img.StopSignal)
		}
		_ = CheckUserSpec("the image's USER", img.User, NamespaceIDs{UIDs: []IDSpan{{0, 65537}}, GIDs: []IDSpan{{0, 65537}}})
		cwd := img.WorkingDir
		if cwd == "" {
			cwd = "/"
		}
		if !filepath.IsAbs(cwd) {
			return // buildSpec refuses it
		}
		env := spec.MergeEnv([]string{"PATH=" + spec.DefaultPath, "HOSTNAME=h", "HOME=/"}, img.Env, nil)
		for _, e := range env {
			if !strings.Contains(e, "=") {
				t.Fatalf("env entry %q without '='", e)
			}
		}
		s, err := spec.Generate(spec.Options{
			Rootfs: "/r", Args: spec.ProcessArgs(img, nil, nil), Env: env, Cwd: cwd, Hostname: "h",
			Rootless: true,
		})
		if err != nil {
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("config.json: %v", err)
		}
		var back specs.Spec
		if err := json.Unmarshal(out, &back); err != nil || back.Process == nil || len(back.Process.Args) == 0 {
			t.Fatalf("config.json does not read back: %v", err)
		}
	})
}

// FuzzResolveUser resolves -u (or the image's USER) against an image's
// /etc/passwd and /etc/group.
func FuzzResolveUser(f *testing.F) {
	f.Add("app", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n", "root:x:0:\napp:x:1000:\nextra:x:2000:app\n")
	f.Add("1000:extra", "app:x:1000:1000::/home/app:/bin/sh\n", "extra:x:2000:app\n")
	f.Add("nobody", "nobody:x:-1:-1:::\n", "")
	f.Add("app:", "app:x:99999999999:1:::\n", "")
	rootfs := f.TempDir()
	if err := os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, spec, passwd, group string) {
		if err := os.WriteFile(filepath.Join(rootfs, "etc", "passwd"), []byte(passwd), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(rootfs, "etc", "group"), []byte(group), 0o644); err != nil {
			t.Fatal(err)
		}
		u, err := ResolveUser(rootfs, spec)
		if err != nil {
			return
		}
		if u.Home == "" {
			t.Fatalf("%q: no home", spec)
		}
		_ = CheckIDs("user", u.UID, u.GID, NamespaceIDs{UIDs: []IDSpan{{0, 1}}, GIDs: []IDSpan{{0, 1}}, SingleID: true})
	})
}

// FuzzUserSpec checks -u against a namespace's id map as read from
// /proc/self/uid_map.
func FuzzUserSpec(f *testing.F) {
	f.Add("1000", "0 1001 1\n1 100000 65536\n")
	f.Add("70000:5", "0 1001 1\n")
	f.Add("app:app", "0 0 4294967295\n")
	f.Add("4294967295", "")
	f.Add(":", "x y z\n")
	f.Fuzz(func(t *testing.T, spec, idmap string) {
		spans, err := ParseIDMap(strings.NewReader(idmap))
		if err != nil {
			return
		}
		err = CheckUserSpec("-u", spec, NamespaceIDs{UIDs: spans, GIDs: spans, SingleID: len(spans) == 1})
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("error of several lines: %q", err)
		}
		_ = spansString(spans)
	})
}
