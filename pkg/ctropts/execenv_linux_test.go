package ctropts

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExecEnv(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "env")
	if err := os.WriteFile(f, []byte("# comment\nA=1\n  B=two words \nHOSTVAR\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lookup := func(k string) (string, bool) {
		if k == "HOSTVAR" {
			return "h", true
		}
		return "", false
	}
	got, err := ExecEnv([]string{f}, []string{"B=over", "C=3"}, lookup)
	if err != nil {
		t.Fatal(err)
	}
	// The -e values come last: merged over the file's, they win.
	want := []string{"A=1", "B=two words ", "HOSTVAR=h", "B=over", "C=3"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if _, err := ExecEnv([]string{filepath.Join(dir, "missing")}, nil, lookup); err == nil || !strings.Contains(err.Error(), "env-file") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("A B=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ExecEnv([]string{bad}, nil, lookup); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad line: %v", err)
	}
	if _, err := ExecEnv(nil, []string{""}, lookup); err == nil {
		t.Error("empty -e accepted")
	}
}
