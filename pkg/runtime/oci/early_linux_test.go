package oci_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// fakeRunc is a runtime binary that does what runc does with a bundle
// up to the container: it goes to --bundle, reads config.json (here
// with cat, so through the link to its own descriptor 3), keeps what it
// read in got.json, and fails with a JSON log line when that is not a
// spec, or when the spec asks it to.
const fakeRunc = `#!/bin/sh
log= bundle=
while [ $# -gt 0 ]; do
	case $1 in
	--log) log=$2; shift ;;
	--bundle) bundle=$2; shift ;;
	esac
	shift
done
cd "$bundle" || exit 2
cat config.json > got.json 2>/dev/null
case $(cat got.json) in
*'"fail"'*) echo '{"level":"error","msg":"the spec says fail"}' >> "$log"; exit 1 ;;
'{'*'}') exit 0 ;;
esac
echo '{"level":"error","msg":"JSON specification file config.json: unexpected end of JSON input"}' >> "$log"
exit 1
`

func earlyBundle(t *testing.T) (*oci.CLI, string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "runc")
	if err := os.WriteFile(bin, []byte(fakeRunc), 0o755); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "bundle")
	if err := os.Mkdir(bundle, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(oci.EarlyConfigLink, filepath.Join(bundle, "config.json")); err != nil {
		t.Fatal(err)
	}
	return oci.NewCLI("runc", bin, filepath.Join(dir, "root")), bundle
}

func TestEarlyCreateReadsTheSpecFromThePipe(t *testing.T) {
	rt, bundle := earlyBundle(t)
	o := oci.CreateOptions{Bundle: bundle, StartNow: true, IO: oci.IO{PidFile: filepath.Join(bundle, "pid")}}
	e, err := rt.StartCreate("c1", o)
	if err != nil {
		t.Fatal(err)
	}
	// The runtime is up before the spec exists; it waits for it.
	time.Sleep(50 * time.Millisecond)
	if e.Exited() {
		t.Fatal("the runtime ended before it got its spec")
	}
	spec := `{"ociVersion":"1.0.2","process":{"args":["true"]}}`
	if err := e.Deliver([]byte(spec)); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(bundle, "got.json"))
	if err != nil || string(got) != spec {
		t.Fatalf("the runtime read %q (%v), want the spec", got, err)
	}
}

func TestEarlyCreateFailureIsTheRuntimes(t *testing.T) {
	rt, bundle := earlyBundle(t)
	e, err := rt.StartCreate("c1", oci.CreateOptions{Bundle: bundle, IO: oci.IO{PidFile: filepath.Join(bundle, "pid")}})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Deliver([]byte(`{"fail":true}`))
	if err == nil || !strings.Contains(err.Error(), "the spec says fail") {
		t.Fatalf("Deliver = %v, want the runtime's logged error", err)
	}
}

func TestEarlyCreateAbandoned(t *testing.T) {
	rt, bundle := earlyBundle(t)
	e, err := rt.StartCreate("c1", oci.CreateOptions{Bundle: bundle, IO: oci.IO{PidFile: filepath.Join(bundle, "pid")}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { e.Abandon(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Abandon did not end the runtime")
	}
	if !e.Exited() {
		t.Fatal("the runtime was not waited for")
	}
	got, _ := os.ReadFile(filepath.Join(bundle, "got.json"))
	if len(got) != 0 {
		t.Fatalf("an abandoned runtime read %q", got)
	}
	// Its complaint must not be taken for the next runtime call's.
	if _, err := os.Stat(filepath.Join(bundle, "runtime.log")); !os.IsNotExist(err) {
		t.Fatalf("runtime.log left: %v", err)
	}
}

func TestEarlyCreateMatches(t *testing.T) {
	rt, bundle := earlyBundle(t)
	o := oci.CreateOptions{Bundle: bundle, StartNow: true, IO: oci.IO{PidFile: filepath.Join(bundle, "pid")}}
	e, err := rt.StartCreate("c1", o)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Abandon()
	if !e.Matches(rt, "c1", o) {
		t.Error("the same options do not match")
	}
	for name, mod := range map[string]func(*oci.CreateOptions){
		"create, not run": func(o *oci.CreateOptions) { o.StartNow = false },
		"no groups":       func(o *oci.CreateOptions) { o.DropGroups = true },
		"another bundle":  func(o *oci.CreateOptions) { o.Bundle += "x" },
		"a console":       func(o *oci.CreateOptions) { o.ConsoleSocket = "/x" },
		"extra files":     func(o *oci.CreateOptions) { o.ExtraFiles = []*os.File{os.Stdin} },
	} {
		o2 := o
		mod(&o2)
		if e.Matches(rt, "c1", o2) {
			t.Errorf("%s: matches", name)
		}
	}
	if e.Matches(rt, "c2", o) {
		t.Error("another id matches")
	}
	if e.Matches(rt.Driver([]string{"--systemd-cgroup"}).(*oci.CLI), "c1", o) {
		t.Error("other global flags match")
	}
	if _, err := rt.StartCreate("c3", oci.CreateOptions{Bundle: bundle, IO: oci.IO{ExtraFiles: []*os.File{os.Stdin}}}); err == nil {
		t.Error("StartCreate took extra files (the pipe is descriptor 3)")
	}
}
