package runtime

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestCtrRootRace races every operation against a directory that keeps
// turning into a symlink to the host.
func TestCtrRootRace(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, "d"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "d/secret"), []byte("inside"), 0o600))
	must(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("host"), 0o600))
	r := openTestRoot(t, root)
	stop := swapper(t, root, "d", outside)
	var wrote, read int
	for i := 0; i < raceIterations/10; i++ {
		if f, err := r.OpenFile("/d/x", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644); err == nil {
			_, _ = f.WriteString("x")
			_ = f.Chmod(0o777)
			f.Close()
			wrote++
		}
		if f, err := r.Open("/d/secret"); err == nil {
			b, _ := io.ReadAll(f)
			f.Close()
			if string(b) != "inside" {
				stop()
				t.Fatalf("iteration %d: read %q through the swapped directory", i, b)
			}
			read++
		}
		_ = r.Mkdir("/d/sub", 0o755)
		_ = r.MkdirAll("/d/a/b", 0o755, os.Getuid(), os.Getgid())
		_ = r.Symlink("/x", "/d/link")
		_ = r.Mkfifo("/d/pipe", 0o644)
		_ = r.Lchown("/d/secret", os.Getuid(), os.Getgid())
		_ = r.Walk("/d", func(rel string, e ctrEntry) error {
			if e.Mode.IsRegular() {
				if f, err := e.Open(); err == nil {
					b, _ := io.ReadAll(f)
					f.Close()
					if rel == "secret" && string(b) != "inside" {
						t.Errorf("iteration %d: Walk read %q", i, b)
					}
				}
			}
			return nil
		})
		if i%256 == 0 {
			outsideUnchanged(t, outside)
		}
	}
	stop()
	outsideUnchanged(t, outside)
	t.Logf("%d writes and %d reads of %d succeeded", wrote, read, raceIterations/10)
	if wrote == 0 || read == 0 {
		t.Errorf("no write (%d) or read (%d) succeeded: the race test tests nothing", wrote, read)
	}
}

// TestResolveUserRace: exec -u looks the user up in the container's
// /etc/passwd while the container swaps /etc for a symlink to the host's.
func TestResolveUserRace(t *testing.T) {
	root, _, stop := raceRootfs(t)
	ok := 0
	for i := 0; i < raceIterations; i++ {
		u, err := ResolveUser(root, "evil")
		if err != nil {
			continue
		}
		ok++
		if u.UID != 1111 {
			stop()
			t.Fatalf("iteration %d: evil resolved to %+v: read the host's passwd", i, u)
		}
	}
	stop()
	t.Logf("%d of %d lookups succeeded", ok, raceIterations)
}

// TestKeepIDRace: keep-id's account is added to the container's
// /etc/passwd, never to a host file, and its home made inside.
func TestKeepIDRace(t *testing.T) {
	root, outside, stop := raceRootfs(t)
	before := readDir(t, outside)
	acct := keepIDAccount{Name: "alice", Home: "/etc/home/alice", UID: 1001, GID: 1002}
	for i := 0; i < raceIterations/10; i++ {
		_, _ = addKeepIDAccount(root, acct)
		_ = MkdirInRoot(root, "/etc/home/alice", 1001, 1002)
		if i%64 == 0 && readDir(t, outside) != before {
			stop()
			t.Fatalf("iteration %d: the host directory changed: %s", i, readDir(t, outside))
		}
	}
	stop()
	if got := readDir(t, outside); got != before {
		t.Fatalf("the host directory changed:\n%s\nwas:\n%s", got, before)
	}
}

func TestCtrRootOpenFifoDoesNotHang(t *testing.T) {
	root := t.TempDir()
	must(t, unix.Mkfifo(filepath.Join(root, "passwd"), 0o644))
	done := make(chan error, 1)
	go func() {
		_, err := openInRoot(root, "/passwd")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a fifo opened as a file")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a fifo hangs")
	}
}

// TestCtrRootWithoutOpenat2 runs the hostile-root tests again through
// the lookup husk uses where openat2 is missing or refused: pathrs-lite
// (its own openat2 on this kernel, its checked walk on older ones).
func TestCtrRootWithoutOpenat2(t *testing.T) {
	if !haveOpenat2() {
		t.Log("openat2 is refused here: every test already used pathrs-lite")
	}
	old := haveOpenat2
	haveOpenat2 = func() bool { return false }
	t.Cleanup(func() { haveOpenat2 = old })
	t.Run("open", TestCtrRootOpenHostile)
	t.Run("write", TestCtrRootWriteHostile)
	t.Run("walk", TestCtrRootWalkHostile)
	t.Run("race", TestCtrRootRace)
	t.Run("user", TestResolveUserRace)
	t.Run("fifo", TestCtrRootOpenFifoDoesNotHang)
}
