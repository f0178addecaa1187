package oci

import (
	"slices"
	"testing"
)

func TestGlobalOptions(t *testing.T) {
	got, err := GlobalOptions([]string{"debug", "log=/tmp/x.log", "systemd-cgroup"})
	if want := []string{"--debug", "--log=/tmp/x.log", "--systemd-cgroup"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{"", "=x", "--debug", "-d", "a b", "log=\x00"} {
		if _, err := GlobalOptions([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if got, err := GlobalOptions(nil); err != nil || got != nil {
		t.Errorf("none: %q, %v", got, err)
	}
}
