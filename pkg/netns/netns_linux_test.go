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
	// The namespace's TCP send buffers are limited (its own /proc/sys/net,
	// read from a thread inside it).
	var wmem []byte
	err := onThrowawayThread(func() error {
		fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			return err
		}
		wmem, err = os.ReadFile("/proc/sys/net/ipv4/tcp_wmem")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(string(wmem)), " "); got != TCPSendBuffers {
		t.Errorf("tcp_wmem in the namespace = %q, want %q", got, TCPSendBuffers)
	}
	if host, _ := os.ReadFile("/proc/sys/net/ipv4/tcp_wmem"); strings.Join(strings.Fields(string(host)), " ") == TCPSendBuffers {
		t.Log("the host has the same tcp_wmem: the check above proves nothing here")
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
