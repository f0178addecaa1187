package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddKeepIDAccount(t *testing.T) {
	acct := keepIDAccount{Name: "alice", Home: "/home/alice", UID: 1001, GID: 1002}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(root, "etc", name))
		return string(b)
	}
	write("passwd", "root:x:0:0:root:/root:/bin/sh\n")
	write("group", "root:x:0:\n")
	home, err := addKeepIDAccount(root, acct)
	if err != nil || home != "/home/alice" {
		t.Fatalf("home %q, %v", home, err)
	}
	if got := read("passwd"); !strings.HasSuffix(got, "alice:*:1001:1002:alice:/home/alice:/bin/sh\n") {
		t.Errorf("passwd:\n%s", got)
	}
	if got := read("group"); !strings.HasSuffix(got, "alice:x:1002:\n") {
		t.Errorf("group:\n%s", got)
	}
	// Again: the entries are there, nothing is added.
	before := read("passwd") + read("group")
	if _, err := addKeepIDAccount(root, acct); err != nil || read("passwd")+read("group") != before {
		t.Errorf("second call changed the files (%v)", err)
	}

	// The image's own entry for the uid wins, with its home.
	write("passwd", "app:x:1001:1001:app:/srv/app:/bin/sh\n")
	if home, err := addKeepIDAccount(root, acct); err != nil || home != "/srv/app" {
		t.Errorf("image entry: home %q, %v", home, err)
	}

	// An image whose /etc/passwd points out of the rootfs: the write
	// stays inside it.
	outside := filepath.Join(t.TempDir(), "host-passwd")
	if err := os.WriteFile(outside, []byte("host:x:0:0::/:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(root, "etc", "passwd"))
	if err := os.Symlink(outside, filepath.Join(root, "etc", "passwd")); err != nil {
		t.Fatal(err)
	}
	if _, err := addKeepIDAccount(root, acct); err != nil {
		t.Logf("refused: %v", err)
	}
	if b, _ := os.ReadFile(outside); string(b) != "host:x:0:0::/:/bin/sh\n" {
		t.Errorf("a file outside the rootfs was written: %q", b)
	}
}
