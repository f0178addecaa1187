//go:build linux

package ctrlist

import (
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

// FuzzMatch feeds --filter values of husk ps.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"name=web", "id=0123", "status=running", "ancestor=busybox", "nokey", "=", "x=y",
		"label=a", "label=a=b", "label!=a", "exited=3", "name=(", "id=^0", "volume=v", "network=n", "health=none", "before=x"} {
		f.Add(s)
	}
	c := &runtime.Container{ID: strings.Repeat("0123456789abcdef", 4), Name: "web",
		Config: runtime.Config{Image: "127.0.0.1:5055/husk-test/busybox", ImageID: strings.Repeat("f", 64)},
		State:  runtime.State{Status: runtime.StatusRunning}}
	f.Fuzz(func(t *testing.T, s string) {
		ok, err := Match(c, []string{s})
		if err != nil && ok {
			t.Fatalf("%q: matched with an error: %v", s, err)
		}
	})
}
