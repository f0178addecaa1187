package oci

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime/internal/proc"
)

// writeRuncState writes a runc-like state.json into a new state directory.
func writeRuncState(t *testing.T, pid int, start uint64, hooks map[string]any, pidns bool, cgroups map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ctr")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ns := []map[string]string{{"type": "NEWNS", "path": ""}}
	if pidns {
		ns = append(ns, map[string]string{"type": "NEWPID", "path": ""})
	}
	st := map[string]any{
		"init_process_pid": pid, "init_process_start": start, "cgroup_paths": cgroups,
		"config": map[string]any{"namespaces": ns, "Hooks": hooks},
	}
	b, _ := json.Marshal(st)
	if err := os.WriteFile(filepath.Join(dir, "state.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRuncStoppedCleanup(t *testing.T) {
	nullHooks := map[string]any{"poststop": nil, "prestart": nil}
	const deadPid = 1 << 22 // above the default pid_max: no such process
	self := os.Getpid()

	cg := t.TempDir()
	stray, own := filepath.Join(cg, "stray"), filepath.Join(cg, "own")
	for _, d := range []string{stray, own} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir := writeRuncState(t, deadPid, 42, nullHooks, true,
		map[string]string{"": stray, "name=systemd": filepath.Join(cg, "missing"), "pids": own})
	if !runcStoppedCleanup(dir, own) {
		t.Fatal("a stopped container with nothing special was left to runc")
	}
	if exists(dir) || exists(stray) {
		t.Error("state directory or runc's cgroup left behind")
	}
	if !exists(own) {
		t.Error("the cgroup husk removes itself was removed here")
	}

	for name, dir := range map[string]string{
		"live init":       writeRuncState(t, self, proc.StartTicks(self), nullHooks, true, nil),
		"poststop hook":   writeRuncState(t, deadPid, 1, map[string]any{"poststop": []map[string]string{{"path": "/bin/true"}}}, true, nil),
		"no pid ns":       writeRuncState(t, deadPid, 1, nullHooks, false, nil),
		"busy cgroup dir": writeRuncState(t, deadPid, 1, nullHooks, true, map[string]string{"": cg}),
	} {
		if runcStoppedCleanup(dir, "") {
			t.Errorf("%s: cleaned up in-process; runc delete should have run", name)
		}
		if !exists(dir) {
			t.Errorf("%s: state directory removed", name)
		}
	}
	if !runcStoppedCleanup(filepath.Join(t.TempDir(), "gone"), "") {
		t.Error("no state directory at all: nothing to do, yet runc delete asked for")
	}
}

// With runc's systemd cgroup manager, runc delete also stops the scope:
// the delete of a reaped container is left to runc (here a stand-in that
// does nothing).
func TestDeleteStoppedLeavesSystemdToRunc(t *testing.T) {
	dir := writeRuncState(t, 1<<22, 1, nil, true, nil)
	rt := NewCLI("runc", "/bin/true", filepath.Dir(dir))
	r := rt.Driver([]string{"--systemd-cgroup"})
	if err := r.Delete(context.Background(), filepath.Base(dir), DeleteOptions{Reaped: true}); err != nil {
		t.Fatal(err)
	}
	if !exists(dir) {
		t.Error("state removed in-process although runc manages a systemd scope")
	}
	r = rt.Driver(nil)
	if err := r.Delete(context.Background(), filepath.Base(dir), DeleteOptions{Reaped: true}); err != nil || exists(dir) {
		t.Errorf("cgroupfs: state left (%v)", err)
	}
}
