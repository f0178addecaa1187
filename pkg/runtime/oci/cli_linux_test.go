package oci_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/runtime/oci/ocitest"
)

// The CLI driver keeps the contract with the host's real runtimes. A
// container is a static busybox in a scratch rootfs; creating one needs
// root.
func TestCLIKeepsTheContract(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the runtimes make namespaces and cgroups")
	}
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("needs a static busybox for the rootfs")
	}
	for _, name := range oci.KnownRuntimes {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Logf("%s: not installed", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			bundle := func(t *testing.T, shared string, args ...string) string {
				return busyboxBundle(t, path, busybox, shared, args)
			}
			rt := oci.NewCLI(name, path, root)
			// One that refuses this host (crun on a hybrid cgroup host)
			// is husk's fallback case, not a broken contract.
			b := bundle(t, t.TempDir(), "/bin/true")
			err := rt.Driver(nil).Create(context.Background(), "probe", oci.CreateOptions{Bundle: b, StartNow: true, IO: oci.IO{PidFile: filepath.Join(b, "pid")}})
			_ = rt.Driver(nil).Delete(context.Background(), "probe", oci.DeleteOptions{})
			if err != nil && oci.RefusesHost(err) {
				t.Skipf("%s refuses this host: %v", name, err)
			}
			ocitest.Suite(t, rt, bundle)
		})
	}
}

// busyboxBundle writes a bundle from "runtime spec" with busybox as the
// rootfs's shell and shared bound at its own path.
func busyboxBundle(t *testing.T, runtime, busybox, shared string, args []string) string {
	t.Helper()
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "proc", "dev", "sys", shared} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(busybox)
	if err == nil {
		err = os.WriteFile(filepath.Join(rootfs, "bin", "busybox"), b, 0o755)
	}
	for _, tool := range []string{"sh", "touch", "sleep", "true"} {
		if err == nil {
			err = os.Symlink("busybox", filepath.Join(rootfs, "bin", tool))
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(runtime, "spec")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s spec: %v: %s", runtime, err, out)
	}
	var s specs.Spec
	b, err = os.ReadFile(filepath.Join(dir, "config.json"))
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Root = &specs.Root{Path: rootfs}
	s.Process.Terminal, s.Process.Args = false, args
	s.Process.Env = []string{"PATH=/bin"}
	s.Mounts = append(s.Mounts, specs.Mount{Destination: shared, Type: "bind", Source: shared, Options: []string{"rbind", "rw"}})
	b, err = json.Marshal(&s)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
