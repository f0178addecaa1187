package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/storage/storagetest"
)

// waitingRunc waits for its spec as runc does (reading config.json in the
// bundle), then exits: 0 for a spec, 1 for none.
const waitingRunc = `#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = --bundle ] && cd "$2"; shift; done
case $(cat config.json 2>/dev/null) in '{'*) exit 0 ;; esac
exit 1
`

func earlyEnv(t *testing.T, name string) (Env, string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, name)
	if err := os.WriteFile(bin, []byte(waitingRunc), 0o755); err != nil {
		t.Fatal(err)
	}
	env := Env{Runtimes: []oci.Runtime{oci.NewCLI(name, bin, filepath.Join(dir, "state"))}, Cgroups: &cgroups.Info{}}
	return env, filepath.Join(dir, "overlay-containers")
}

func TestEarlyStartsOnlyWhatItCanPredict(t *testing.T) {
	env, ctrs := earlyEnv(t, "runc")
	none := Config{Net: netns.Config{Mode: netns.ModeNone}}
	for name, mod := range map[string]func(*Config){
		"a terminal":          func(c *Config) { c.TTY = true },
		"input":               func(c *Config) { c.Interactive = true },
		"no log":              func(c *Config) { c.LogDriver = LogDriverNone },
		"passthrough":         func(c *Config) { c.LogDriver = LogDriverPassthrough },
		"pasta":               func(c *Config) { c.Net.Mode = netns.ModePasta },
		"slirp4netns":         func(c *Config) { c.Net.Mode = netns.ModeSlirp },
		"a pod's member":      func(c *Config) { c.Pod = "p" },
		"a rootfs of its own": func(c *Config) { c.Rootfs = "/r" },
	} {
		cfg := none
		mod(&cfg)
		if e := StartEarly(env, cfg, ctrs); e != nil {
			e.Close()
			t.Errorf("%s: started early", name)
		}
	}
	crun, ctrs2 := earlyEnv(t, "crun")
	if e := StartEarly(crun, none, ctrs2); e != nil {
		e.Close()
		t.Error("crun (which starts in a millisecond) was started early")
	}
	if ents, _ := os.ReadDir(ctrs); len(ents) != 0 {
		t.Errorf("left in the containers' directory: %v", ents)
	}
}

// startedEarly is runc started early for a container without network,
// with the containers' directory it is made in.
func startedEarly(t *testing.T) (*Early, string) {
	t.Helper()
	env, ctrs := earlyEnv(t, "runc")
	e := StartEarly(env, Config{Net: netns.Config{Mode: netns.ModeNone}}, ctrs)
	if e == nil {
		t.Fatal("not started")
	}
	return e, ctrs
}

func TestEarlyClosedUnusedLeavesNothing(t *testing.T) {
	e, ctrs := startedEarly(t)
	if len(e.ID) != 64 {
		t.Errorf("id %q", e.ID)
	}
	link, err := os.Readlink(filepath.Join(ctrs, e.ID, "userdata", "config.json"))
	if err != nil || link != oci.EarlyConfigLink {
		t.Fatalf("config.json links to %q (%v)", link, err)
	}
	// A reader that is not the runtime does not follow the link.
	c := &Container{Dir: filepath.Join(ctrs, e.ID, "userdata")}
	if _, err := c.ReadBundleSpec(); err == nil {
		t.Error("ReadBundleSpec followed the link to the runtime's pipe")
	}
	if e.In(ctrs) != e {
		t.Error("In: not kept in its own store")
	}
	cr := e.create
	done := make(chan struct{})
	go func() { e.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the runtime")
	}
	if !cr.Exited() {
		t.Error("the runtime was not waited for")
	}
	if _, err := os.Stat(filepath.Join(ctrs, e.ID)); !os.IsNotExist(err) {
		t.Errorf("the container's directory is left (%v)", err)
	}
}

func TestEarlyTakenKeepsTheSpec(t *testing.T) {
	e, ctrs := startedEarly(t)
	e.taken = true
	c := &Container{Dir: filepath.Join(ctrs, e.ID, "userdata")}
	spec := []byte(`{"ociVersion":"1.0.2"}`)
	if err := e.keepSpec(c, spec); err != nil {
		t.Fatal(err)
	}
	// Abandoned (another command line was needed): config.json becomes
	// the spec, for the runtime started instead.
	if err := e.abandon(); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReadBundleSpec()
	if err != nil || string(got) != string(spec) {
		t.Fatalf("config.json = %q (%v)", got, err)
	}
	e.Close()
	if _, err := os.Stat(c.Dir); err != nil {
		t.Errorf("the taken container's directory went: %v", err)
	}
}

// A run killed while its container's directory was made ahead leaves the
// directory; the next listing sweeps it, but not those of runs still
// going, nor the directories of containers.
func TestSweepEarly(t *testing.T) {
	store := storagetest.VFS(t)
	ctrs := store.ContainersDir()
	mk := func(id string, pid int) string {
		d := filepath.Join(ctrs, id)
		if err := os.MkdirAll(filepath.Join(d, "userdata"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := writeStarter(filepath.Join(d, earlyFile), pid); err != nil {
			t.Fatal(err)
		}
		return d
	}
	hex := func(c byte) string {
		b := make([]byte, 64)
		for i := range b {
			b[i] = c
		}
		return string(b)
	}
	// A process that is gone: a child that has been waited for.
	dead := deadPid(t)
	killed := mk(hex('a'), dead)
	going := mk(hex('b'), os.Getpid())
	sc, err := store.CreateContainer("", nil, "", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	taken := mk(sc.ID, dead)
	if _, err := List(store); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(killed); !os.IsNotExist(err) {
		t.Errorf("a killed run's directory is left (%v)", err)
	}
	for _, d := range []string{going, taken} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s went: %v", d, err)
		}
	}
}

// An early directory appears only with its mark (made under a hidden name
// and renamed), and goes through a hidden name too; the hidden ones that
// killed runs leave are swept: a dead maker's, a removal's, and one
// without a mark once it is old. A live maker's and a young unmarked one
// stay.
func TestEarlyDirHiddenNames(t *testing.T) {
	store := storagetest.VFS(t)
	ctrs := store.ContainersDir()
	id := strings.Repeat("c", 64)
	idDir := filepath.Join(ctrs, id)
	if err := makeEarlyDir(idDir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(idDir, earlyFile), filepath.Join(idDir, "userdata")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("made without %s: %v", p, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(ctrs, ".*")); len(left) != 0 {
		t.Errorf("making it left %v", left)
	}
	removeEarlyDir(idDir)
	left, _ := filepath.Glob(filepath.Join(ctrs, ".*"))
	if _, err := os.Stat(idDir); !os.IsNotExist(err) || len(left) != 0 {
		t.Errorf("removing it left %v (%v)", left, err)
	}

	hidden := func(suffix string, pid int, age time.Duration) string {
		d := filepath.Join(ctrs, "."+strings.Repeat("d", 63)+suffix)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if pid != 0 {
			if err := writeStarter(filepath.Join(d, earlyFile), pid); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(d, old, old); err != nil {
			t.Fatal(err)
		}
		return d
	}
	dead := deadPid(t)
	swept := []string{
		hidden("1-123", dead, 0),
		hidden("2-gone", os.Getpid(), 0),
		hidden("3-456", 0, 2*hiddenAge),
	}
	kept := []string{
		hidden("4-789", os.Getpid(), 2*hiddenAge),
		hidden("5-012", 0, 0),
	}
	if _, err := List(store); err != nil {
		t.Fatal(err)
	}
	for _, d := range swept {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s is left (%v)", d, err)
		}
	}
	for _, d := range kept {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s went: %v", d, err)
		}
	}
}
