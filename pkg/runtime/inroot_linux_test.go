package runtime

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// hostileRoot builds a root whose symlinks try to lead out of it, and a
// directory outside it ("the host") that they name. Inside, /real/g says
// "inside-g" and /g says "top-g"; outside, secret says "host".
func hostileRoot(t *testing.T) (root, outside string) {
	t.Helper()
	root, outside = t.TempDir(), t.TempDir()
	for _, d := range []string{"real/sub", "etc", "made", "dir"} {
		must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	files := map[string]string{
		"real/g":      "inside-g",
		"g":           "top-g",
		"etc/real":    "passwd-inside",
		"dir/file":    "in-dir",
		"secret":      "root-secret",
		"real/secret": "real-secret",
	}
	for p, s := range files {
		must(t, os.WriteFile(filepath.Join(root, p), []byte(s), 0o644))
	}
	must(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("host"), 0o600))
	links := map[string]string{
		"abs":         outside,                    // a host path, absolute
		"abs-secret":  outside + "/secret",        // a host file
		"up":          "../../../../../../../..",  // .. past the root
		"up-secret":   "../../../../../../secret", // .. past the root, to a file
		"loop":        "loop",                     // itself
		"loop-a":      "loop-b",                   // a cycle of two
		"loop-b":      "loop-a",                   //
		"etc/passwd":  "/etc/real",                // a file, absolute inside
		"new":         "/made/here",               // dangling: naming it creates the target
		"lnkdir":      "/real/sub",                // a directory
		"real/sub/f":  "../g",                     // .. from where the link really is
		"dir/escape":  outside,                    // inside a walked directory
		"dir/up":      "../../..",                 //
		"proc-self":   "/proc/self/root",          // a magic link of the host, as a path
		"dev-null":    "/dev/null",                //
		"dangle-deep": "/nowhere/at/all",          //
	}
	for p, target := range links {
		must(t, os.Symlink(target, filepath.Join(root, p)))
	}
	must(t, unix.Mkfifo(filepath.Join(root, "fifo"), 0o644))
	return root, outside
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// outsideUnchanged fails the test when the host directory holds anything
// but its secret, unchanged.
func outsideUnchanged(t *testing.T, outside string) {
	t.Helper()
	ents, _ := os.ReadDir(outside)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	b, _ := os.ReadFile(filepath.Join(outside, "secret"))
	fi, _ := os.Stat(filepath.Join(outside, "secret"))
	if strings.Join(names, ",") != "secret" || string(b) != "host" || fi == nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the host directory changed: %v, secret %q, %v", names, b, fi)
	}
}

func openTestRoot(t *testing.T, root string) *ctrRoot {
	t.Helper()
	r, err := openCtrRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestCtrRootOpenHostile(t *testing.T) {
	root, outside := hostileRoot(t)
	r := openTestRoot(t, root)
	tests := []struct {
		path string
		want string // content, or "" for an error
		err  error
	}{
		{"/real/g", "inside-g", nil},
		{"real/g", "inside-g", nil},
		{"/etc/passwd", "passwd-inside", nil},
		{"/lnkdir/../g", "inside-g", nil}, // .. of /real/sub is /real
		{"/lnkdir/f", "inside-g", nil},    // ../g from /real/sub
		{"/up/secret", "root-secret", nil},
		{"/up-secret", "root-secret", nil},
		{"/../../secret", "root-secret", nil},
		{"/abs/secret", "", fs.ErrNotExist},
		{"/abs-secret", "", fs.ErrNotExist},
		{"/loop", "", unix.ELOOP},
		{"/loop-a/x", "", unix.ELOOP},
		{"/loop/x", "", unix.ELOOP},
		{"/proc-self/etc/passwd", "", fs.ErrNotExist},
		{"/dev-null", "", fs.ErrNotExist},
		{"/real", "", nil},     // a directory: refused
		{"/fifo", "", nil},     // a fifo: refused, without hanging
		{"/real/g/x", "", nil}, // ENOTDIR
	}
	for _, tt := range tests {
		f, err := r.Open(tt.path)
		if tt.want == "" {
			if err == nil {
				b, _ := io.ReadAll(f)
				f.Close()
				t.Errorf("Open(%q): read %q, want an error", tt.path, b)
			} else if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("Open(%q): %v, want %v", tt.path, err, tt.err)
			} else if strings.Contains(err.Error(), root) {
				t.Errorf("Open(%q): the error names the host path of the root: %v", tt.path, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Open(%q): %v", tt.path, err)
			continue
		}
		b, _ := io.ReadAll(f)
		f.Close()
		if string(b) != tt.want {
			t.Errorf("Open(%q): read %q, want %q", tt.path, b, tt.want)
		}
	}
	outsideUnchanged(t, outside)
}

// TestCtrRootWriteHostile is long on purpose: one hostile root, every
// write operation tried against it in turn.
func TestCtrRootWriteHostile(t *testing.T) {
	root, outside := hostileRoot(t)
	r := openTestRoot(t, root)
	write := func(p, s string) error {
		f, err := r.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
		if err != nil {
			return err
		}
		_, err = f.WriteString(s)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	read := func(p string) string {
		b, _ := os.ReadFile(filepath.Join(root, p))
		return string(b)
	}

	// Through a symlink that climbs out: lands at the root.
	must(t, write("/up/x", "up"))
	if read("x") != "up" {
		t.Errorf("/up/x: root/x holds %q", read("x"))
	}
	// A final symlink is followed inside the root; a dangling one
	// creates its target inside the root.
	must(t, write("/etc/passwd", "new-passwd"))
	if read("etc/real") != "new-passwd" {
		t.Errorf("/etc/passwd: etc/real holds %q", read("etc/real"))
	}
	must(t, write("/new", "made"))
	if read("made/here") != "made" {
		t.Errorf("/new: made/here holds %q", read("made/here"))
	}
	if fi, err := os.Lstat(filepath.Join(root, "new")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("/new is no longer the symlink: %v %v", fi, err)
	}
	// Host paths, absolute or through a link, are not reachable.
	for _, p := range []string{"/abs/x", "/abs-secret", "/abs/secret", "/dangle-deep", "/loop", "/loop-a/x", "/proc-self/tmp/x", "/fifo", "/real"} {
		if err := write(p, "escaped"); err == nil {
			t.Errorf("write %q: no error", p)
		}
	}
	outsideUnchanged(t, outside)

	// Directories: Mkdir follows a symlink to a directory inside the
	// root; MkdirAll creates through a dangling one, inside the root.
	must(t, r.Mkdir("/lnkdir", 0o755))
	must(t, r.Mkdir("/up/madedir", 0o755))
	if fi, err := os.Stat(filepath.Join(root, "madedir")); err != nil || !fi.IsDir() {
		t.Errorf("/up/madedir: %v %v", fi, err)
	}
	if err := r.Mkdir("/real/g", 0o755); err == nil {
		t.Error("Mkdir over a file: no error")
	}
	if err := r.Mkdir("/abs/sub", 0o755); err == nil {
		t.Error("Mkdir under a host path: no error")
	}
	must(t, r.MkdirAll("/dangle-deep/x/y", 0o755, os.Getuid(), os.Getgid()))
	if fi, err := os.Stat(filepath.Join(root, "nowhere/at/all/x/y")); err != nil || !fi.IsDir() {
		t.Errorf("MkdirAll through a dangling symlink: %v %v", fi, err)
	}
	must(t, r.MkdirAll("/up/../lnkdir/../a/b", 0o755, os.Getuid(), os.Getgid()))
	if fi, err := os.Stat(filepath.Join(root, "real/a/b")); err != nil || !fi.IsDir() {
		t.Errorf("MkdirAll with .. after a symlink: %v %v", fi, err)
	}
	if err := r.MkdirAll("/loop/x", 0o755, 0, 0); !errors.Is(err, unix.ELOOP) {
		t.Errorf("MkdirAll through a loop: %v", err)
	}

	// Symlink replaces the link itself, never what it points to.
	must(t, r.Symlink("/elsewhere", "/etc/passwd"))
	if got, _ := os.Readlink(filepath.Join(root, "etc/passwd")); got != "/elsewhere" || read("etc/real") != "new-passwd" {
		t.Errorf("Symlink over a symlink: link %q, etc/real %q", got, read("etc/real"))
	}
	must(t, r.Symlink(outside, "/up/hostlink"))
	if _, err := os.Lstat(filepath.Join(root, "hostlink")); err != nil {
		t.Errorf("Symlink through /up: %v", err)
	}
	if err := r.Symlink("x", "/abs/planted"); err == nil {
		t.Error("Symlink under a host path: no error")
	}
	must(t, r.Mkfifo("/up/pipe", 0o600))
	if fi, err := os.Lstat(filepath.Join(root, "pipe")); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("Mkfifo: %v %v", fi, err)
	}
	if err := r.Mkfifo("/abs/pipe", 0o600); err == nil {
		t.Error("Mkfifo under a host path: no error")
	}
	if err := r.Lchown("/abs-secret", os.Getuid(), os.Getgid()); err != nil {
		t.Errorf("Lchown of the link itself: %v", err)
	}
	if err := r.ChmodDir("/abs", 0o700); err == nil {
		t.Error("ChmodDir of a host directory: no error")
	}
	outsideUnchanged(t, outside)
}

func TestCtrRootWalkHostile(t *testing.T) {
	root, outside := hostileRoot(t)
	r := openTestRoot(t, root)
	walk := func(p string) (map[string]string, error) {
		got := map[string]string{}
		err := r.Walk(p, func(rel string, e ctrEntry) error {
			switch {
			case e.Mode.IsDir():
				got[rel] = "dir"
			case e.Mode&fs.ModeSymlink != 0:
				target, err := e.Readlink()
				if err != nil {
					return err
				}
				got[rel] = "-> " + target
			case e.Mode.IsRegular():
				f, err := e.Open()
				if err != nil {
					return err
				}
				b, err := io.ReadAll(f)
				f.Close()
				if err != nil {
					return err
				}
				got[rel] = string(b)
			default:
				got[rel] = e.Mode.Type().String()
			}
			return nil
		})
		return got, err
	}
	got, err := walk("/up/dir")
	must(t, err)
	want := map[string]string{".": "dir", "file": "in-dir", "escape": "-> " + outside, "up": "-> ../../.."}
	if !mapsEqual(got, want) {
		t.Errorf("Walk(/up/dir) = %v, want %v", got, want)
	}
	// The top is followed inside the root.
	if got, err := walk("/lnkdir"); err != nil || got["f"] != "-> ../g" || got["."] != "dir" {
		t.Errorf("Walk(/lnkdir) = %v, %v", got, err)
	}
	if got, err := walk("/etc/passwd"); err != nil || got["."] != "passwd-inside" {
		t.Errorf("Walk(/etc/passwd) = %v, %v", got, err)
	}
	for _, p := range []string{"/abs", "/abs-secret", "/loop", "/dangle-deep"} {
		if got, err := walk(p); err == nil {
			t.Errorf("Walk(%q) = %v, want an error", p, got)
		}
	}
	if got, err := walk("/fifo"); err != nil || got["."] != "p---------" {
		t.Errorf("Walk(/fifo) = %v, %v (a fifo is reported, not opened)", got, err)
	}
	outsideUnchanged(t, outside)
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// swapper keeps exchanging dir/NAME (a directory) with a symlink to
// target (renameat2 RENAME_EXCHANGE: the name is never missing), as fast
// as it can, until stop is called; at least a few thousand swaps are done
// before stop returns.
func swapper(t *testing.T, dir, name, target string) (stop func()) {
	t.Helper()
	p := filepath.Join(dir, name)
	must(t, os.Symlink(target, p+".lnk"))
	var done atomic.Bool
	var swaps atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !done.Load() || swaps.Load() < 2000 {
			if err := unix.Renameat2(unix.AT_FDCWD, p, unix.AT_FDCWD, p+".lnk", unix.RENAME_EXCHANGE); err != nil {
				t.Errorf("swap %s: %v", p, err)
				return
			}
			swaps.Add(1)
		}
	}()
	return func() {
		done.Store(true)
		wg.Wait()
		t.Logf("%d swaps", swaps.Load())
	}
}

// raceIterations is how many times each race test calls the code under
// test while the swapper runs.
const raceIterations = 10000

// raceRootfs is a rootfs whose /etc keeps turning into a symlink to a
// host directory that holds its own passwd and group.
func raceRootfs(t *testing.T) (root, outside string, stop func()) {
	root, outside = t.TempDir(), t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, "etc"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\nevil:x:1111:1111::/home/evil:/bin/sh\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nevil:x:1111:\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(outside, "passwd"), []byte("root:x:0:0:root:/root:/bin/sh\nevil:x:4242:4242::/host:/bin/sh\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(outside, "group"), []byte("root:x:0:\nevil:x:4242:\n"), 0o644))
	return root, outside, swapper(t, root, "etc", outside)
}

// readDir describes a directory tree: names, types and contents.
func readDir(t *testing.T, dir string) string {
	var lines []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		line := rel + " " + d.Type().String()
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			line += " " + string(b)
		}
		lines = append(lines, line)
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
