package integration

import (
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

var idRE = regexp.MustCompile(`^[0-9a-f]{64}\n$`)

func subuidStart(t *testing.T) uint32 {
	t.Helper()
	m, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		t.Fatal(err)
	}
	_ = m
	b, err := os.ReadFile("/etc/subuid")
	if err != nil {
		t.Fatal(err)
	}
	user := os.Getenv("USER")
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) == 3 && f[0] == user {
			var n uint32
			for _, c := range f[1] {
				n = n*10 + uint32(c-'0')
			}
			return n
		}
	}
	t.Skipf("needs a subordinate uid range for %q in /etc/subuid", user)
	return 0
}

// The store picks native overlay on this kernel and records it.
func TestDefaultDriverIsNativeOverlay(t *testing.T) {
	e := rootless(t)
	var info struct {
		UserNS struct{ Mapping string }
		Store  struct{ Driver, GraphRoot string }
	}
	if err := json.Unmarshal([]byte(e.husk("info", "--format", "json")), &info); err != nil {
		t.Fatal(err)
	}
	if info.Store.Driver != "overlay" || info.UserNS.Mapping != "subordinate-ids" {
		t.Fatalf("%+v", info)
	}
	b, err := os.ReadFile(filepath.Join(info.Store.GraphRoot, "husk-driver"))
	if err != nil || strings.TrimSpace(string(b)) != "overlay" {
		t.Fatalf("recorded driver %q %v", b, err)
	}
	r := e.run(context.Background(), "--storage-driver", "vfs", "images")
	if r.code != 125 || !strings.Contains(r.stderr, "--storage-driver overlay") {
		t.Fatalf("driver switch on an existing store: %+v", r)
	}
}

// With vfs every layer directory is the full filesystem of the image up to
// that layer, so ownership, modes, links, whiteouts and xattrs as unpacked
// in the user namespace can be checked from outside.
func TestMultilayerUnpackedFaithfully(t *testing.T) {
	e := rootless(t)
	start := subuidStart(t)
	e.husk("--storage-driver", "vfs", "pull", "-q", e.image("multilayer"))
	info := e.inspect(e.image("multilayer"))
	layers := info["Layers"].([]any)
	if len(layers) != 4 {
		t.Fatalf("%d layers", len(layers))
	}
	// The top layer: find the vfs dir holding /data/big (only the top has it).
	dirs, _ := filepath.Glob(filepath.Join(e.storeRoot(), "vfs", "dir", "*", "data", "big"))
	if len(dirs) != 1 {
		t.Fatalf("top layer not found: %v", dirs)
	}
	root := filepath.Dir(filepath.Dir(dirs[0]))
	p := func(s string) string { return filepath.Join(root, s) }
	st := func(s string) *syscall.Stat_t {
		var st syscall.Stat_t
		if err := syscall.Lstat(p(s), &st); err != nil {
			t.Fatalf("lstat %s: %v", s, err)
		}
		return &st
	}
	me := uint32(os.Getuid())
	if s := st("data/keep"); s.Uid != me {
		t.Errorf("root-owned file belongs to host uid %d, want %d (the user)", s.Uid, me)
	}
	// Container uid 1000 = host subuid start + 999.
	if s := st("data/owned"); s.Uid != start+999 || s.Gid < start {
		t.Errorf("uid-1000 file: host uid %d gid %d, want uid %d", s.Uid, s.Gid, start+999)
	}
	if s := st("data/suid"); s.Mode&syscall.S_ISUID == 0 {
		t.Errorf("setuid bit lost: %o", s.Mode)
	}
	if a, b := st("data/keep"), st("data/hard"); a.Ino != b.Ino {
		t.Error("hardlink is a copy")
	}
	if l, err := os.Readlink(p("data/link")); err != nil || l != "keep" {
		t.Errorf("symlink: %q %v", l, err)
	}
	if s := st("data/fifo"); s.Mode&syscall.S_IFMT != syscall.S_IFIFO {
		t.Errorf("fifo is %o", s.Mode)
	}
	if _, err := os.Lstat(p("data/gone")); !os.IsNotExist(err) {
		t.Errorf("whiteout: data/gone still there (%v)", err)
	}
	entries, _ := os.ReadDir(p("data/opq"))
	var names []string
	for _, en := range entries {
		names = append(names, en.Name())
	}
	if strings.Join(names, ",") != "z" {
		t.Errorf("opaque dir holds %v, want only z", names)
	}
	buf := make([]byte, 64)
	n, err := unix.Lgetxattr(p("data/xattr"), "user.husk", buf)
	if err != nil || string(buf[:n]) != "hello" {
		t.Errorf("xattr user.husk: %q %v", buf[:n], err)
	}
	// No whiteout markers leak into the tree.
	filepath.Walk(root, func(path string, fi os.FileInfo, err error) error {
		if err == nil && strings.HasPrefix(fi.Name(), ".wh.") {
			t.Errorf("whiteout marker left: %s", path)
		}
		return nil
	})
}

// The hostile layer cannot write outside its layer directory.
func TestHostileLayerStaysInside(t *testing.T) {
	e := rootless(t)
	outside := []string{
		"/tmp/husk-escape-abs", "/tmp/husk-escape-via-symlink", "/tmp/husk-escape-via-symlink2",
		"/husk-abs-escape", "/escape-dotdot",
		filepath.Join(e.storeRoot(), "escape-dotdot"), filepath.Join(e.storeRoot(), "vfs", "escape-dotdot"),
		filepath.Join(e.storeRoot(), "vfs", "dir", "escape-dotdot"),
		filepath.Join(e.home, "escape-dotdot"),
	}
	for _, f := range outside {
		if _, err := os.Lstat(f); err == nil {
			t.Skipf("%s exists before the test; remove it first", f)
		}
	}
	passwd, _ := os.ReadFile("/etc/passwd")
	for _, driver := range []string{"vfs", "overlay"} {
		t.Run(driver, func(t *testing.T) {
			r := e.run(context.Background(), "--root", filepath.Join(e.home, driver), "--storage-driver", driver, "pull", "-q", e.image("hostile"))
			t.Logf("pull exit %d: %s", r.code, strings.TrimSpace(r.stderr))
			if r.code != 0 && (r.code != 125 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0) {
				t.Errorf("pull failed messily: %+v", r)
			}
			for _, f := range outside {
				if _, err := os.Lstat(f); err == nil {
					t.Errorf("hostile layer wrote %s", f)
				}
			}
			if now, _ := os.ReadFile("/etc/passwd"); string(now) != string(passwd) {
				t.Error("/etc/passwd changed")
			}
			e.run(context.Background(), "--root", filepath.Join(e.home, driver), "--storage-driver", driver, "system", "reset", "-f")
		})
	}
}

// Four pulls of the same image at once all succeed; the store is sound.
func TestConcurrentPulls(t *testing.T) {
	e := rootless(t)
	var wg sync.WaitGroup
	results := make([]result, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.run(context.Background(), "pull", "-q", e.image("multilayer"))
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 || !idRE.MatchString(r.stdout) || r.stdout != results[0].stdout {
			t.Errorf("pull %d: %+v", i, r)
		}
	}
	if ids := strings.Fields(e.husk("images", "-q")); len(ids) != 1 {
		t.Errorf("images: %v", ids)
	}
	if out := e.husk("system", "check"); !strings.Contains(out, "No problems") {
		t.Errorf("check: %s", out)
	}
}

// SIGKILL at random moments of a pull leaves a store in which the next
// pull works and earlier images are intact.
func TestKilledPullLeavesUsableStore(t *testing.T) {
	e := rootless(t)
	bb := strings.TrimSpace(e.husk("pull", "-q", e.image("busybox")))
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	for i := 0; i < 6; i++ {
		delay := time.Duration(30+rng.Intn(1200)) * time.Millisecond
		cmd := exec.Command(e.bin, "pull", "-q", e.image("manyfiles"))
		cmd.Env = e.environ()
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		// The whole group: husk and its namespaced child.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		t.Logf("killed after %v", delay)
		// A kill late enough may have finished the pull: start over.
		_ = e.run(context.Background(), "rmi", e.image("manyfiles"))
	}
	id := e.husk("pull", "-q", e.image("manyfiles"))
	if !idRE.MatchString(id) {
		t.Fatalf("pull after kills: %q", id)
	}
	if got := e.husk("image", "inspect", "--format", "{{.ID}}", e.image("busybox")); strings.TrimSpace(got) != bb {
		t.Fatalf("busybox changed: %q vs %q", got, bb)
	}
	r := e.run(context.Background(), "system", "check", "--max", "0s")
	if r.code != 0 {
		// Layers of killed pulls that no image uses may remain; repair
		// removes them without touching the images.
		t.Logf("check after kills: %s", r.stdout)
		e.husk("system", "check", "--repair", "--max", "0s")
	}
	if ids := strings.Fields(e.husk("images", "-q")); len(ids) != 2 {
		t.Fatalf("images after repair: %v", ids)
	}
}

// A pull of an image whose blob the registry corrupted fails naming the
// digest and stores nothing at all.
func TestTamperedBlobRejected(t *testing.T) {
	e := rootless(t)
	b, err := os.ReadFile(filepath.Join(e.images, "tampered.blob"))
	if err != nil {
		t.Fatal(err)
	}
	dgst := strings.TrimSpace(string(b))
	r := e.run(context.Background(), "pull", "-q", e.image("tampered"))
	if r.code != 125 || !strings.Contains(r.stderr, dgst) {
		t.Fatalf("%+v (want 125 naming %s)", r, dgst)
	}
	if ids := strings.TrimSpace(e.husk("images", "-q", "-a")); ids != "" {
		t.Fatalf("images left behind: %s", ids)
	}
	// system df counts images, containers and volumes (as podman's);
	// the layers are in the store's own records.
	var info struct {
		Store struct{ GraphRoot, GraphDriverName string } `json:"store"`
	}
	if err := json.Unmarshal([]byte(e.husk("info", "--format", "json")), &info); err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile(filepath.Join(info.Store.GraphRoot, info.Store.GraphDriverName+"-layers", "layers.json"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var layers []json.RawMessage
	if len(b) > 0 {
		if err := json.Unmarshal(b, &layers); err != nil {
			t.Fatal(err)
		}
	}
	if len(layers) != 0 {
		t.Fatalf("%d layers left behind", len(layers))
	}
}
