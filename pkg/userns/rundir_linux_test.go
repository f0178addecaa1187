package userns

import (
	"os"
	"testing"
)

func TestRuntimeDir(t *testing.T) {
	uid := uint32(os.Getuid())
	own := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", own)
	d, notice, err := RuntimeDir(uid)
	if err != nil || d != own || notice != "" {
		t.Fatalf("own dir: %q %q %v", d, notice, err)
	}
	// A directory of another owner (as after su) is not used.
	t.Setenv("XDG_RUNTIME_DIR", own)
	t.Setenv("TMPDIR", t.TempDir())
	d, notice, err = RuntimeDir(uid + 1)
	if err == nil {
		t.Fatalf("dir owned by uid %d accepted for uid %d: %q", uid, uid+1, d)
	}
	if notice == "" {
		t.Fatal("no notice about the unusable XDG_RUNTIME_DIR")
	}
	t.Setenv("XDG_RUNTIME_DIR", "")
	d, _, err = RuntimeDir(uid)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(d)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("fallback %q: %v %v", d, fi.Mode(), err)
	}
}
