package runtime

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCheckOpenableGroupOnly: a node open only to its group is refused
// unless the groups are kept (the runtime drops them otherwise). Run as
// root, access(2) passes; the mode decides.
func TestCheckOpenableGroupOnly(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give the file another owner")
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "node")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(f, 12345, 12345); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mode  os.FileMode
		perms string
		keep  bool
		ok    bool
	}{
		{0o606, "rwm", false, true}, // open to others
		{0o604, "r", false, true},
		{0o604, "rw", false, false},
		{0o660, "rw", false, false}, // group only: dropped by the runtime
		{0o660, "rw", true, true},   // kept with keep-groups
		{0o600, "m", false, true},   // nothing to open
	} {
		if err := os.Chmod(f, tc.mode); err != nil {
			t.Fatal(err)
		}
		err := checkOpenable(Device{PathOnHost: f, Permissions: tc.perms}, tc.keep)
		if (err == nil) != tc.ok {
			t.Errorf("mode %#o %s keep=%v: %v, want ok=%v", tc.mode, tc.perms, tc.keep, err, tc.ok)
		}
		if err != nil && tc.mode == 0o660 && !strings.Contains(err.Error(), "keep-groups") {
			t.Errorf("group-only refusal does not name keep-groups: %v", err)
		}
	}
}

func TestExpandDevice(t *testing.T) {
	if _, err := expandDevice(Device{PathOnHost: "/dev/null", PathInContainer: "/dev/x", Permissions: "r"}); err != nil {
		t.Fatal(err)
	}
	if _, err := expandDevice(Device{PathOnHost: t.TempDir(), PathInContainer: "/dev/x"}); err == nil || !strings.Contains(err.Error(), "no device nodes") {
		t.Errorf("empty directory: %v", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := expandDevice(Device{PathOnHost: f, PathInContainer: "/dev/x"}); err == nil || !strings.Contains(err.Error(), "not a device node") {
		t.Errorf("regular file: %v", err)
	}
}

func TestDeviceMountsReadOnlyWithoutW(t *testing.T) {
	m := deviceMounts([]Device{{PathOnHost: "/dev/null", PathInContainer: "/dev/a", Permissions: "r"}, {PathOnHost: "/dev/zero", PathInContainer: "/dev/b", Permissions: "rwm"}})
	if len(m) != 2 || !slices.Contains(m[0].Options, "ro") || slices.Contains(m[1].Options, "ro") || m[0].Type != "bind" {
		t.Fatalf("mounts %+v", m)
	}
}
