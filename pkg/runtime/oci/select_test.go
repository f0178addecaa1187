package oci

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A fake PATH with both runtimes (scripts that only say their version).
func fakeRuntimes(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range KnownRuntimes {
		script := "#!/bin/sh\necho \"" + name + " version 9.9\"\necho commit: x\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	return dir
}

func names(rts []Runtime) string {
	var s []string
	for _, r := range rts {
		s = append(s, r.Name())
	}
	return strings.Join(s, ",")
}

func TestSelect(t *testing.T) {
	bin := fakeRuntimes(t)
	state := t.TempDir()
	rts, err := Select(SelectOptions{StateDir: state})
	if err != nil || names(rts) != "crun,runc" {
		t.Fatalf("default: %s %v", names(rts), err)
	}
	// A runtime that refused the host is left out until reboot.
	RememberRefusal(state, "crun", "cgroups in hybrid mode not supported")
	if got := Refusal(state, "crun"); got != "cgroups in hybrid mode not supported" {
		t.Errorf("refusal: %q", got)
	}
	if Refusal(state, "runc") != "" {
		t.Error("runc refused")
	}
	if rts, err = Select(SelectOptions{StateDir: state}); err != nil || names(rts) != "runc" {
		t.Fatalf("after a refusal: %s %v", names(rts), err)
	}
	// --runtime: by name (no fallback, even to a refused one) or path.
	if rts, err = Select(SelectOptions{Name: "crun", StateDir: state}); err != nil || names(rts) != "crun" {
		t.Fatalf("--runtime crun: %s %v", names(rts), err)
	}
	if rts, err = Select(SelectOptions{Name: filepath.Join(bin, "runc"), StateDir: state}); err != nil || names(rts) != "runc" {
		t.Fatalf("--runtime path: %s %v", names(rts), err)
	}
	if _, err = Select(SelectOptions{Name: "youki", StateDir: state}); err == nil || !strings.Contains(err.Error(), "not found in PATH") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err = Select(SelectOptions{Name: "/no/such/runc", StateDir: state}); err == nil {
		t.Error("missing path accepted")
	}
	RememberRefusal(state, "runc", "x")
	if _, err = Select(SelectOptions{StateDir: state}); err == nil || !strings.Contains(err.Error(), "no OCI runtime found") {
		t.Errorf("all refused: %v", err)
	}
}

func TestLookup(t *testing.T) {
	fakeRuntimes(t)
	state := t.TempDir()
	crun := NewCLI("crun", "/x/crun", filepath.Join(state, "crun"))
	if rt, ok := Lookup([]Runtime{crun}, "crun", state); !ok || rt != Runtime(crun) {
		t.Errorf("among the selected: %v %v", rt, ok)
	}
	// A container made with another --runtime finds its runtime in PATH,
	// with its state where that command kept it.
	rt, ok := Lookup([]Runtime{crun}, "runc", state)
	if !ok || rt.Name() != "runc" || rt.(*CLI).root != filepath.Join(state, "runc") {
		t.Errorf("from PATH: %+v %v", rt, ok)
	}
	if _, ok := Lookup(nil, "", state); ok {
		t.Error("no name")
	}
	if _, ok := Lookup(nil, "runc", ""); ok {
		t.Error("no state dir")
	}
	if _, ok := Lookup(nil, "youki", state); ok {
		t.Error("not in PATH")
	}
}

func TestFindRuntimes(t *testing.T) {
	bin := fakeRuntimes(t)
	if err := os.Remove(filepath.Join(bin, "crun")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "runc"), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	found := FindRuntimes(t.Context())
	if len(found) != 2 || found[0].Name != "crun" || found[0].Path != "" {
		t.Fatalf("%+v", found)
	}
	if p, _ := exec.LookPath("runc"); found[1].Path != p || found[1].Version != "unknown version" {
		t.Errorf("runc: %+v", found[1])
	}
	fakeRuntimes(t)
	if found = FindRuntimes(t.Context()); found[0].Version != "crun version 9.9" {
		t.Errorf("version line: %+v", found[0])
	}
}
