package leftover

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/husk-dev/husk/pkg/storage/storagetest"
)

func TestContainerName(t *testing.T) {
	re := containerName("0123456789ab")
	for name, want := range map[string]bool{
		"127.0.0.1-build-0123456789ab":    true,
		"busybox-build-0123456789ab-37":   true,
		"build-0123456789ab":              true, // FROM scratch
		"busybox-build-0123456789abc":     false,
		"busybox-build-ffff56789ab":       false,
		"mybuild-0123456789ab":            false,
		"busybox-build-0123456789ab-x":    false,
		"busybox-working-container":       false,
		"busybox-build-0123456789ab-37-1": false,
	} {
		if got := re.MatchString(name); got != want {
			t.Errorf("%s: %v", name, got)
		}
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{`/a\040b`: "/a b", `/plain`: "/plain", `/x\01`: `/x\01`, `\134`: `\`} {
		if got := unescape(in); got != want {
			t.Errorf("%q: %q", in, got)
		}
	}
}

// A build's account stays while its builder holds the lock, goes with
// its working containers once the lock is free, and never takes another
// build's or a husk container.
func TestCleanTakesOnlyDeadBuilds(t *testing.T) {
	s := storagetest.VFS(t)
	ctx := context.Background()
	live, err := Begin(s, []Runtime{{Name: "runc", Path: "/nonexistent/runc"}})
	if err != nil {
		t.Fatal(err)
	}
	defer live.End(ctx)
	for _, name := range []string{"img-" + live.ContainerSuffix(), "img-build-aaaaaaaaaaaa", "mine"} {
		if _, err := s.CreateContainer("", []string{name}, "", "", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	// A dead build: its directory, with nothing holding the lock.
	dead := filepath.Join(buildsDir(s), "aaaaaaaaaaaa")
	if err := os.MkdirAll(filepath.Join(dead, tmpDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if got := Clean(ctx, s); len(got) != 1 || got[0] != "aaaaaaaaaaaa" {
		t.Fatalf("cleaned %v", got)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("dead build's directory: %v", err)
	}
	if _, err := os.Stat(live.dir); err != nil {
		t.Errorf("live build's directory: %v", err)
	}
	names := map[string]bool{}
	cs, _ := s.Containers()
	for _, c := range cs {
		names[c.Names[0]] = true
	}
	if names["img-build-aaaaaaaaaaaa"] || !names["img-"+live.ContainerSuffix()] || !names["mine"] {
		t.Errorf("containers left: %v", names)
	}
	// Its builder gone (here: the lock released), the live one goes too.
	live.lock.Close()
	if got := Clean(ctx, s); len(got) != 1 || got[0] != live.ID {
		t.Fatalf("cleaned %v", got)
	}
}

// A lock held by another process keeps the account; the process's death
// frees it (what SIGKILL does to a builder).
func TestLockOfAnotherProcess(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("needs flock(1)")
	}
	s := storagetest.VFS(t)
	dir := filepath.Join(buildsDir(s), "bbbbbbbbbbbb")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, lockFile)
	if err := os.WriteFile(lock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	holder := exec.Command("flock", "-o", lock, "sleep", "60")
	holder.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	// flock(1) holds the lock (not sleep: -o) once it runs sleep; wait for
	// that.
	for i := 0; i < 1000; i++ {
		if f, ok := tryLock(dir); ok {
			f.Close()
		} else {
			break
		}
		exec.Command("sleep", "0.01").Run()
	}
	if got := Clean(context.Background(), s); len(got) != 0 {
		t.Fatalf("cleaned a build whose builder runs: %v", got)
	}
	_ = syscall.Kill(-holder.Process.Pid, syscall.SIGKILL)
	_ = holder.Wait()
	if got := Clean(context.Background(), s); len(got) != 1 {
		t.Fatalf("cleaned %v after the builder died", got)
	}
}
