package netns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The throwaway thread must never be the main thread, whose namespaces
// /proc/self shows and which Go cannot end.
func TestThrowawayThreadSparesMainThread(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs uid 0 (root, or inside a user namespace) to unshare a network namespace")
	}
	before, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if err := onThrowawayThread(func() error { return unix.Unshare(unix.CLONE_NEWNET) }); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := os.Readlink("/proc/self/ns/net")
	self, _ := os.Readlink("/proc/thread-self/ns/net")
	if after != before || self != before {
		t.Fatalf("husk's network namespace changed: %s → main %s, this thread %s", before, after, self)
	}
}

func TestCreateAndRemoveNetns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs uid 0 to create network namespaces")
	}
	p := t.TempDir() + "/ns"
	if err := createNetns(p); err != nil {
		t.Fatal(err)
	}
	var st unix.Statfs_t
	if err := unix.Statfs(p, &st); err != nil || st.Type != unix.NSFS_MAGIC {
		t.Fatalf("not a namespace file: %v %x", err, st.Type)
	}
	if err := removeNetns(p); err != nil {
		t.Fatal(err)
	}
	if err := removeNetns(p); err != nil {
		t.Fatalf("second remove: %v", err)
	}
	if _, err := os.Lstat(p); !os.IsNotExist(err) {
		t.Fatal("file left")
	}
}

func TestSlirpSocketFitsSunPath(t *testing.T) {
	dir := "/tmp/bats-run-AbCdEf/file/0/store-main/run/husk/storage/husk-netns/" + strings.Repeat("a", 64)
	s := slirpSocket(dir)
	if len(s) >= 108 {
		t.Errorf("socket path of %d bytes: %s", len(s), s)
	}
	if filepath.Dir(s) != filepath.Dir(dir) {
		t.Errorf("socket %s is not next to %s", s, dir)
	}
}
