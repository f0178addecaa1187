package runtime

import (
	"os"
	"path/filepath"
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
	if err := e.writeSpec(c, spec); err != nil {
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
