package runtime

import (
	"os"
	"path/filepath"
	"testing"
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
