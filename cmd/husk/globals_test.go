//go:build linux

package main

import (
	"bytes"
	"slices"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

// A container records the settings that were given, and a later command
// takes them for those it is not given.
func TestGlobalsRecordedAndAdopted(t *testing.T) {
	a, root := newApp(nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err := root.PersistentFlags().Parse([]string{"--runtime", "runc", "--log-level=debug"}); err != nil {
		t.Fatal(err)
	}
	if got, want := a.global.recorded(), (runtime.Settings{Runtime: "runc"}); got != want {
		t.Errorf("recorded = %+v, want %+v", got, want)
	}

	b, root2 := newApp(nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err := root2.PersistentFlags().Parse([]string{"--runtime", "crun"}); err != nil {
		t.Fatal(err)
	}
	changed, err := b.global.adopt(runtime.Settings{Runtime: "runc", CgroupManager: "cgroupfs"})
	if err != nil || !changed {
		t.Fatalf("adopt = %v, %v; want the cgroup manager taken", changed, err)
	}
	if b.global.runtime != "crun" || b.global.cgroupManager != "cgroupfs" {
		t.Errorf("after adopt: runtime %q (given: crun), cgroup manager %q (recorded: cgroupfs)", b.global.runtime, b.global.cgroupManager)
	}
	if got, want := b.global.args(), []string{"--cgroup-manager=cgroupfs", "--runtime=crun"}; !slices.Equal(got, want) {
		t.Errorf("args after adopt = %q, want %q (the monitor gets the adopted settings)", got, want)
	}
	if changed, err := b.global.adopt(runtime.Settings{}); changed || err != nil {
		t.Errorf("adopting nothing: %v, %v", changed, err)
	}
}
