package runtime

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPidFiles(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	p, err := PidFiles{PidFile: "ctr.pid", ConmonPidFile: filepath.Join(dir, "mon.pid")}.Abs()
	if err != nil {
		t.Fatal(err)
	}
	if p.PidFile != filepath.Join(dir, "ctr.pid") {
		t.Fatalf("relative path: %q", p.PidFile)
	}
	if err := p.write(123, 45); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]string{p.PidFile: "123", p.ConmonPidFile: "45"} {
		if b, err := os.ReadFile(f); err != nil || string(b) != want {
			t.Errorf("%s: %q, %v; want %q", f, b, err, want)
		}
	}
	if err := (PidFiles{}).write(1, 2); err != nil {
		t.Errorf("no files: %v", err)
	}
	if err := (PidFiles{PidFile: filepath.Join(dir, "no", "such", "dir")}).write(1, 2); err == nil {
		t.Error("a file in a missing directory: no error")
	}
}
