//go:build linux

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/husk-dev/husk/internal/imagelist"
)

// As root husk needs no user namespace: the same commands work in-process
// against a store at --root.
func TestRootCommandsInProcess(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (make test runs the in-process tests as root)")
	}
	imgs := os.Getenv("HUSK_TEST_IMAGES")
	if imgs == "" {
		imgs = "/var/tmp/husk-test-images"
	}
	if _, err := os.Stat(filepath.Join(imgs, "busybox", "index.json")); err != nil {
		t.Skipf("needs the test images (make images): %v", err)
	}
	if handsOffTransfers {
		t.Skip("the husk_core build hands pulls to husk-transfer by executing it in this process's place: the full build runs these commands in-process")
	}
	dir := t.TempDir()
	g := []string{"--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "run"), "--storage-driver", "vfs"}
	husk := func(stdin string, args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, stdin, append(append([]string{}, g...), args...)...)
		if code != 0 {
			t.Fatalf("husk %v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	id := husk("", "pull", "-q", "oci:"+filepath.Join(imgs, "busybox")+":latest")
	if !regexp.MustCompile(`^[0-9a-f]{64}\n$`).MatchString(id) {
		t.Fatalf("pull printed %q", id)
	}
	id = strings.TrimSpace(id)
	if out := husk("", "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"); out != "localhost/busybox:latest "+id[:12]+"\n" {
		t.Fatalf("images: %q", out)
	}
	husk("", "tag", "busybox", "other:1")
	var list []imagelist.JSON
	if err := json.Unmarshal([]byte(husk("", "images", "--format", "json")), &list); err != nil || len(list) != 1 || len(list[0].Names) != 2 {
		t.Fatalf("images json: %+v %v", list, err)
	}
	var info []map[string]any
	if err := json.Unmarshal([]byte(husk("", "image", "inspect", "other:1")), &info); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Id", "Digest", "RepoTags", "Config", "Layers", "Size", "RootFS"} {
		if _, ok := info[0][k]; !ok {
			t.Errorf("inspect lacks %s", k)
		}
	}
	archive := filepath.Join(dir, "bb.tar")
	husk("", "save", "--format", "oci-archive", "-o", archive, "other:1")
	if out := husk("", "rmi", "-f", id); !strings.Contains(out, "Deleted: "+id) {
		t.Fatalf("rmi: %q", out)
	}
	if out := husk("", "load", "-i", archive); out != "Loaded image: localhost/other:1\n" {
		t.Fatalf("load: %q", out)
	}
	if out := husk("", "system", "check"); !strings.Contains(out, "No problems") {
		t.Fatalf("check: %q", out)
	}
	_, errOut, code := runCLI(t, "n\n", append(g, "system", "reset")...)
	if code != 1 || !strings.Contains(errOut, "cancelled") {
		t.Fatalf("reset answered n: %d %q", code, errOut)
	}
	husk("", "system", "reset", "-f")
	if _, err := os.Stat(filepath.Join(dir, "root")); !os.IsNotExist(err) {
		t.Fatalf("store still there after reset: %v", err)
	}
}
