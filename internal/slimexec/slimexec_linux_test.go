package slimexec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A job the constructor did not hand over runs here, in the test binary.
func TestMain(m *testing.M) {
	if base := os.Args[0]; base == "not-a-job" || contains(Jobs(), base) {
		fmt.Printf("in-process %s", strings.Join(os.Args[1:], " "))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// startAs runs this test binary as argv[0] name with env added, and returns
// what it printed.
func startAs(t *testing.T, name string, env ...string) string {
	t.Helper()
	cmd := &exec.Cmd{Path: "/proc/self/exe", Args: []string{name, "a", "b c"}, Env: append(withoutEnv(), env...)}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("start as %s: %v", name, err)
	}
	return string(out)
}

func withoutEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, Env+"=") {
			env = append(env, kv)
		}
	}
	return env
}

func TestJobs(t *testing.T) {
	want := []string{"chrootuser-open", "buildah-copier", "storage-untar", "storage-tar", "storage-applyLayer"}
	if got := Jobs(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Jobs() = %v, want %v", got, want)
	}
}

func TestConstructorHandsJobsToTheSlimBinary(t *testing.T) {
	dir := t.TempDir()
	slim := filepath.Join(dir, "slim")
	if err := os.WriteFile(slim, []byte("#!/bin/sh\nprintf 'slim %s' \"$*\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, job := range Jobs() {
		if got := startAs(t, job, Env+"="+slim); got != "slim a b c" {
			t.Errorf("%s with %s set: got %q, want the slim binary with the same arguments", job, Env, got)
		}
		if got := startAs(t, job); got != "in-process a b c" {
			t.Errorf("%s without %s: got %q, want the job to run in-process", job, Env, got)
		}
	}
	for _, tc := range []struct{ name, argv0, value string }{
		{"not a job", "not-a-job", slim},
		{"relative path", Jobs()[0], "slim"},
		{"missing binary", Jobs()[0], filepath.Join(dir, "missing")},
		{"empty", Jobs()[0], ""},
	} {
		if got := startAs(t, tc.argv0, Env+"="+tc.value); got != "in-process a b c" {
			t.Errorf("%s: got %q, want the job to run in-process", tc.name, got)
		}
	}
}

func TestMatches(t *testing.T) {
	if err := Matches(filepath.Join(t.TempDir(), Name)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing binary: got %v, want fs.ErrNotExist", err)
	}
	if err := Matches("/bin/sh"); err == nil {
		t.Error("a program without Go build information matched")
	}
	// The test binary is a Go program of this module, but not husk-reexec.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := Matches(exe); err == nil || !strings.Contains(err.Error(), "not "+Name+"'s job runner") {
		t.Errorf("another program of the same build: got %v, want it refused as not %s", err, Name)
	}
}
