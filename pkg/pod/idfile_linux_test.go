package pod

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIDFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pod.id")
	f, err := ReserveIDFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReserveIDFile(path); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a second reservation: %v", err)
	}
	if err := f.Write("abc123"); err != nil {
		t.Fatal(err)
	}
	if id, err := ReadIDFile(path, false); err != nil || id != "abc123" {
		t.Fatalf("read: %q %v", id, err)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := ReadIDFile(missing, true); !errors.Is(err, ErrPodUnknown) {
		t.Fatalf("missing with ignore: %v", err)
	}
	if _, err := ReadIDFile(missing, false); err == nil || errors.Is(err, ErrPodUnknown) {
		t.Fatalf("missing without ignore: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadIDFile(empty, false); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty: %v", err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("a", 5000)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadIDFile(big, false); err == nil {
		t.Fatal("a file over the bound was read")
	}
	g, err := ReserveIDFile(filepath.Join(dir, "abandoned"))
	if err != nil {
		t.Fatal(err)
	}
	g.Abandon()
	if _, err := os.Stat(filepath.Join(dir, "abandoned")); !os.IsNotExist(err) {
		t.Fatalf("an abandoned file stays: %v", err)
	}
	var none *IDFile
	if err := none.Write("x"); err != nil {
		t.Fatal(err)
	}
	none.Abandon()
}
