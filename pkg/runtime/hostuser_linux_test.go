package runtime

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

func TestAddHostUsers(t *testing.T) {
	host := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(host, []byte("root:x:0:0:root:/root:/bin/bash\nbob:x:1234:1235:Bob B:/home/bob:/bin/zsh\nroot2:x:0:0::/:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := passwdPath
	passwdPath = host
	defer func() { passwdPath = old }()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "etc", "passwd")
	if err := os.WriteFile(p, []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// bob by name, then by uid (already there), root (already there).
	for _, names := range [][]string{{"bob"}, {"1234", "root"}} {
		if err := addHostUsers(root, names); err != nil {
			t.Fatal(err)
		}
	}
	want := "root:x:0:0:root:/root:/bin/sh\nbob:*:1234:1235:Bob B:/:/bin/sh\n"
	if b, _ := os.ReadFile(p); string(b) != want {
		t.Errorf("passwd:\n%s\nwant:\n%s", b, want)
	}
	if err := addHostUsers(root, []string{"nobody-here"}); err == nil {
		t.Errorf("an unknown host user was accepted")
	}
}

func TestPasswdEntry(t *testing.T) {
	got := expandPasswdEntry("$USERNAME:x:$UID:$GID:$NAME:$HOME:/bin/sh\n", "4242", 4242, 7, "container user", "/")
	if got != "4242:x:4242:7:container user:/:/bin/sh\n" {
		t.Errorf("expanded %q", got)
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "etc", "passwd")
	if err := os.WriteFile(p, []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, uid := range []uint32{0, 4242, 4242} {
		if err := addPasswdEntry(root, "$USERNAME:*:$UID:$GID:$NAME:$HOME:/bin/sh", spec.User{UID: uid, GID: 5, Home: "/"}); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(p); string(b) != "root:x:0:0:root:/root:/bin/sh\n4242:*:4242:5:container user:/:/bin/sh\n" {
		t.Errorf("passwd:\n%s", b)
	}
}
