package runtime

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// testTree is a container's files for copyIn/copyOut: a rootfs and a
// bind-mounted volume at /data.
func testTree(t *testing.T) (tree *ctrTree, rootfs, vol string) {
	t.Helper()
	rootfs, vol = t.TempDir(), t.TempDir()
	for _, d := range []string{"etc", "tmp", "data", "real"} {
		must(t, os.Mkdir(filepath.Join(rootfs, d), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(rootfs, "etc/passwd"), []byte("root:x:0:0::/:/bin/sh\n"), 0o644))
	c := &Container{Name: "test", Config: Config{Volumes: []VolumeSpec{{Kind: VolumeBind, Source: vol, Destination: "/data"}}}}
	tree = &ctrTree{c: c, rootfs: rootfs, roots: map[string]*ctrRoot{}}
	t.Cleanup(tree.Close)
	return tree, rootfs, vol
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Error(err)
	}
	return string(b)
}

func TestCopySemantics(t *testing.T) {
	tree, rootfs, vol := testTree(t)
	host := t.TempDir()
	must(t, os.WriteFile(filepath.Join(host, "f"), []byte("file"), 0o750))
	must(t, os.MkdirAll(filepath.Join(host, "tree/sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(host, "tree/sub/a"), []byte("a"), 0o644))
	must(t, os.Symlink("/etc/passwd", filepath.Join(host, "tree/link")))
	must(t, unix.Mkfifo(filepath.Join(host, "tree/pipe"), 0o644))

	// A file to a new name, then over it.
	must(t, copyIn(tree, filepath.Join(host, "f"), "/tmp/f", "/tmp/f", false, copyOwner{keep: true}))
	must(t, copyIn(tree, filepath.Join(host, "f"), "/tmp/f", "/tmp/f", false, copyOwner{keep: true}))
	if got := readFile(t, filepath.Join(rootfs, "tmp/f")); got != "file" {
		t.Errorf("/tmp/f: %q", got)
	}
	if fi, _ := os.Stat(filepath.Join(rootfs, "tmp/f")); fi == nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("/tmp/f mode: %v", fi)
	}
	// A file into an existing directory, through a symlink to it.
	must(t, os.Symlink("/tmp", filepath.Join(rootfs, "tmplink")))
	must(t, copyIn(tree, filepath.Join(host, "f"), "/tmplink", "/tmplink", false, copyOwner{keep: true}))
	if got := readFile(t, filepath.Join(rootfs, "tmp/f")); got != "file" {
		t.Errorf("/tmplink/f: %q", got)
	}
	// A directory into an existing one, and as a new name; SRC/. copies
	// the contents. Symlinks stay symlinks, fifos are made.
	must(t, copyIn(tree, filepath.Join(host, "tree"), "/tmp", "/tmp", false, copyOwner{keep: true}))
	must(t, copyIn(tree, filepath.Join(host, "tree"), "/new", "/new", false, copyOwner{keep: true}))
	must(t, copyIn(tree, filepath.Join(host, "tree")+"/.", "/real", "/real", true, copyOwner{keep: true}))
	for _, p := range []string{"tmp/tree", "new", "real"} {
		if got := readFile(t, filepath.Join(rootfs, p, "sub/a")); got != "a" {
			t.Errorf("%s/sub/a: %q", p, got)
		}
		if got, err := os.Readlink(filepath.Join(rootfs, p, "link")); got != "/etc/passwd" {
			t.Errorf("%s/link: %q %v", p, got, err)
		}
		if fi, err := os.Lstat(filepath.Join(rootfs, p, "pipe")); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
			t.Errorf("%s/pipe: %v %v", p, fi, err)
		}
	}
	if err := copyIn(tree, filepath.Join(host, "tree"), "/tmp/f", "/tmp/f", false, copyOwner{keep: true}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a directory onto a file: %v", err)
	}
	// Into the volume: its source on the host.
	must(t, copyIn(tree, filepath.Join(host, "f"), "/data/f", "/data/f", false, copyOwner{keep: true}))
	if got := readFile(t, filepath.Join(vol, "f")); got != "file" {
		t.Errorf("volume f: %q", got)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "data/f")); err == nil {
		t.Error("the copy into the volume went to the rootfs's mount point")
	}

	// Out: a file, a directory (its symlink copied as a symlink), the
	// contents of one, a file of the volume.
	out := t.TempDir()
	must(t, copyOut(tree, "/tmp/f", filepath.Join(out, "f"), false))
	must(t, copyOut(tree, "/tmp/tree", out, false))
	must(t, copyOut(tree, "/real", filepath.Join(out, "contents"), true))
	must(t, copyOut(tree, "/data/f", filepath.Join(out, "vf"), false))
	if got := readFile(t, filepath.Join(out, "f")) + readFile(t, filepath.Join(out, "tree/sub/a")) +
		readFile(t, filepath.Join(out, "contents/sub/a")) + readFile(t, filepath.Join(out, "vf")); got != "fileaafile" {
		t.Errorf("copied out: %q", got)
	}
	if got, _ := os.Readlink(filepath.Join(out, "tree/link")); got != "/etc/passwd" {
		t.Errorf("symlink copied out: %q", got)
	}
	if err := copyOut(tree, "/no/such", filepath.Join(out, "none"), false); err == nil || strings.Contains(err.Error(), rootfs) {
		t.Errorf("copy out of a missing path: %v (must not name the host path of the rootfs)", err)
	}
	if err := copyOut(tree, "/tmp/tree", filepath.Join(out, "f"), false); err == nil {
		t.Error("a directory onto a file: no error")
	}
}

func TestCopyRace(t *testing.T) {
	tree, rootfs, _ := testTree(t)
	outside, host, out := t.TempDir(), t.TempDir(), t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("host"), 0o600))
	must(t, os.Mkdir(filepath.Join(rootfs, "d"), 0o755))
	must(t, os.WriteFile(filepath.Join(rootfs, "d/secret"), []byte("inside"), 0o644))
	must(t, os.WriteFile(filepath.Join(host, "x"), []byte("x"), 0o755))
	must(t, os.MkdirAll(filepath.Join(host, "t/sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(host, "t/sub/y"), []byte("y"), 0o755))
	stop := swapper(t, rootfs, "d", outside)
	var in, fileOut, dirOut int
	for i := 0; i < raceIterations/10; i++ {
		if copyIn(tree, filepath.Join(host, "x"), "/d/x", "/d/x", false, copyOwner{keep: true}) == nil {
			in++
		}
		_ = copyIn(tree, filepath.Join(host, "t"), "/d/t", "/d/t", false, copyOwner{keep: true})
		got := filepath.Join(out, "got")
		os.RemoveAll(got)
		if copyOut(tree, "/d/secret", got, false) == nil {
			fileOut++
		}
		if b, err := os.ReadFile(got); err == nil && string(b) != "inside" {
			stop()
			t.Fatalf("iteration %d: copied %q out", i, b)
		}
		os.RemoveAll(got)
		if copyOut(tree, "/d", got, false) == nil {
			dirOut++
		}
		if b, err := os.ReadFile(filepath.Join(got, "secret")); err == nil && string(b) != "inside" {
			stop()
			t.Fatalf("iteration %d: copied %q out of the directory", i, b)
		}
		if i%64 == 0 {
			outsideUnchanged(t, outside)
		}
	}
	stop()
	outsideUnchanged(t, outside)
	t.Logf("of %d: %d copies in, %d files and %d directories out succeeded", raceIterations/10, in, fileOut, dirOut)
	if in == 0 || fileOut == 0 {
		t.Error("no copy succeeded: the race tests nothing")
	}
}
