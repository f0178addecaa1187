package hooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func writeHook(t *testing.T, dir, name, body string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func hookJSON(prog, stage, when string) string {
	return `{"version": "1.0.0", "hook": {"path": "` + prog + `"}, "when": ` + when + `, "stages": ["` + stage + `"]}`
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	prog, _ := os.Executable()
	for name, body := range map[string]string{
		"json":    `{"version": `,
		"version": strings.Replace(hookJSON(prog, "prestart", `{"always": true}`), "1.0.0", "2.0.0", 1),
		"stage":   hookJSON(prog, "teardown", `{"always": true}`),
		"path":    hookJSON("/no/such/program", "prestart", `{"always": true}`),
		"stages":  `{"version": "1.0.0", "hook": {"path": "` + prog + `"}, "when": {"always": true}}`,
		"regexp":  hookJSON(prog, "prestart", `{"commands": ["("]}`),
	} {
		dir := t.TempDir()
		p := writeHook(t, dir, name+".json", body)
		_, err := Load([]string{dir})
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: Load = %v, want an error naming %s", name, err, p)
		}
	}
}

func TestLoadOverridesAndApply(t *testing.T) {
	prog, _ := os.Executable()
	d1, d2 := t.TempDir(), t.TempDir()
	writeHook(t, d1, "same.json", hookJSON(prog, "prestart", `{"always": true}`))
	writeHook(t, d2, "same.json", hookJSON(prog, "poststop", `{"always": true}`))
	writeHook(t, d1, "cmd.json", hookJSON(prog, "createRuntime", `{"commands": ["^/bin/true$"]}`))
	writeHook(t, d1, "ann.json", hookJSON(prog, "poststart", `{"annotations": {"^a$": "^b$"}}`))
	writeHook(t, d1, "binds.json", hookJSON(prog, "startContainer", `{"hasBindMounts": true}`))
	writeHook(t, d1, "README", "not a hook")
	set, err := Load([]string{d1, filepath.Join(d1, "missing"), d2})
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 4 {
		t.Errorf("Len = %d, want 4", set.Len())
	}
	s := &specs.Spec{Process: &specs.Process{Args: []string{"/bin/echo"}}}
	if err := set.Apply(s, false); err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 the stage under test
	if s.Hooks == nil || len(s.Hooks.Poststop) != 1 || len(s.Hooks.Prestart) != 0 {
		t.Fatalf("the later directory's same.json: hooks %+v", s.Hooks)
	}
	if len(s.Hooks.CreateRuntime)+len(s.Hooks.Poststart)+len(s.Hooks.StartContainer) != 0 {
		t.Errorf("conditions not met, hooks added: %+v", s.Hooks)
	}
	s = &specs.Spec{Process: &specs.Process{Args: []string{"/bin/true"}}, Annotations: map[string]string{"a": "b"}}
	if err := set.Apply(s, true); err != nil {
		t.Fatal(err)
	}
	if len(s.Hooks.CreateRuntime) != 1 || len(s.Hooks.Poststart) != 1 || len(s.Hooks.StartContainer) != 1 {
		t.Errorf("conditions met: hooks %+v", s.Hooks)
	}
}

func TestDefaultDirs(t *testing.T) {
	if got := DefaultDirs(false, "/home/u/.config"); len(got) != 2 || got[0] != DefaultDir || got[1] != OverrideDir {
		t.Errorf("root: %v", got)
	}
	if got := DefaultDirs(true, "/home/u/.config"); len(got) != 3 || got[2] != "/home/u/.config/containers/oci/hooks.d" {
		t.Errorf("rootless: %v", got)
	}
}
