package storage

import (
	"slices"
	"testing"
)

func TestDriverOptions(t *testing.T) {
	got := driverOptions([]string{"", "overlay.mount_program=/usr/bin/fuse-overlayfs", ""})
	if want := []string{"overlay.mount_program=/usr/bin/fuse-overlayfs"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
