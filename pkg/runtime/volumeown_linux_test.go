package runtime

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// -v SRC:DST:U changes the owner of what is in SRC, symlinks themselves,
// and never what a symlink points to outside it.
func TestChownForUStaysInside(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to change owners")
	}
	src, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(src, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "d", "f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct{ target, name string }{{secret, "d/abs"}, {"../../" + filepath.Base(outside) + "/secret", "rel"}, {outside, "dirlink"}} {
		if err := os.Symlink(l.target, filepath.Join(src, l.name)); err != nil {
			t.Fatal(err)
		}
	}
	v := VolumeSpec{Destination: "/data", Options: []string{"U"}}
	if err := chownForU(v, src, idPair{uid: 4321, gid: 4322}); err != nil {
		t.Fatal(err)
	}
	owner := func(p string) (uint32, uint32) {
		var st syscall.Stat_t
		if err := syscall.Lstat(p, &st); err != nil {
			t.Fatal(err)
		}
		return st.Uid, st.Gid
	}
	for _, p := range []string{".", "d", "d/f", "d/abs", "rel", "dirlink"} {
		if u, g := owner(filepath.Join(src, p)); u != 4321 || g != 4322 {
			t.Errorf("%s: owner %d:%d, want 4321:4322", p, u, g)
		}
	}
	for _, p := range []string{secret, outside} {
		if u, _ := owner(p); u != 0 {
			t.Errorf("%s outside the source: owner %d, want 0 (untouched)", p, u)
		}
	}
	// Without U nothing changes.
	if err := chownForU(VolumeSpec{Destination: "/data"}, outside, idPair{uid: 1, gid: 1}); err != nil {
		t.Fatal(err)
	}
	if u, _ := owner(outside); u != 0 {
		t.Errorf("without U: owner %d, want 0", u)
	}
}
