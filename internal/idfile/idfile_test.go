package idfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pod.id")
	f, err := Reserve(path, "pod-id-file", "pod")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Reserve(path, "pod-id-file", "pod"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a second reservation: %v", err)
	}
	if err := f.Write("abc123"); err != nil {
		t.Fatal(err)
	}
	if id, err := Read(path, "pod-id-file"); err != nil || id != "abc123" {
		t.Fatalf("read: %q %v", id, err)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := Read(missing, "cidfile"); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "cidfile") {
		t.Fatalf("missing: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(empty, "cidfile"); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty: %v", err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("a", 5000)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(big, "cidfile"); err == nil {
		t.Fatal("a file over the bound was read")
	}
	g, err := Reserve(filepath.Join(dir, "abandoned"), "cidfile", "container")
	if err != nil {
		t.Fatal(err)
	}
	g.Abandon()
	if _, err := os.Stat(filepath.Join(dir, "abandoned")); !os.IsNotExist(err) {
		t.Fatalf("an abandoned file stays: %v", err)
	}
	var none *File
	if err := none.Write("x"); err != nil {
		t.Fatal(err)
	}
	none.Abandon()
}
