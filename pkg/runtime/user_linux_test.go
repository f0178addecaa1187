package runtime

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

func TestResolveUser(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nwheel:x:10:app\napp:x:1000:\nstaff:x:50:\n"), 0o644)
	tests := []struct {
		spec string
		want spec.User
		err  bool
	}{
		{"", spec.User{UID: 0, GID: 0, Home: "/root"}, false},
		{"app", spec.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{10}, Home: "/home/app"}, false},
		{"1000", spec.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{10}, Home: "/home/app"}, false},
		// An explicit group replaces the supplementary ones (runc's rule).
		{"app:staff", spec.User{UID: 1000, GID: 50, Home: "/home/app"}, false},
		{"4242:4343", spec.User{UID: 4242, GID: 4343, Home: "/"}, false},
		{"nobody", spec.User{}, true},
		{"app:nogroup", spec.User{}, true},
	}
	for _, tt := range tests {
		got, err := ResolveUser(root, tt.spec)
		if tt.err {
			if err == nil {
				t.Errorf("%q: no error", tt.spec)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: got %+v %v, want %+v", tt.spec, got, err, tt.want)
		}
	}
	// /etc/passwd as a symlink out of the rootfs resolves inside it.
	evil := t.TempDir()
	os.MkdirAll(filepath.Join(evil, "etc"), 0o755)
	os.Symlink("/etc/passwd", filepath.Join(evil, "etc/passwd"))
	if _, err := ResolveUser(evil, "root"); err == nil {
		t.Error("followed /etc/passwd symlink out of the rootfs to the host's file")
	}
}

func TestKeepIDMaps(t *testing.T) {
	u, g := userNSMaps(Env{HostUID: 1001, HostGID: 1001}, &Config{KeepID: true})
	want := []spec.IDMap{{ContainerID: 0, HostID: 1, Size: 1001}, {ContainerID: 1001, HostID: 0, Size: 1}, {ContainerID: 1002, HostID: 1002, Size: 65536 - 1002}}
	if !reflect.DeepEqual(u, want) || !reflect.DeepEqual(g, want) {
		t.Fatalf("got %v", u)
	}
	if got := mapID(1001, u); got != 0 {
		t.Errorf("container uid 1001 maps to %d", got)
	}
	if got := mapID(5, u); got != 6 {
		t.Errorf("container uid 5 maps to %d", got)
	}
	u, _ = userNSMaps(Env{HostUID: 1001, HostGID: 1001, SingleID: true}, &Config{KeepID: true})
	if !reflect.DeepEqual(u, []spec.IDMap{{ContainerID: 1001, HostID: 0, Size: 1}}) {
		t.Errorf("single: %v", u)
	}
}

func TestRuntimeCgroupArgs(t *testing.T) {
	runc, crun := "runc", "crun"
	sd := cgroups.Plan{SpecPath: "user.slice:husk:x", Systemd: true}
	fs := cgroups.Plan{SpecPath: "/deleg/husk-x"}
	for _, c := range []struct {
		rt       string
		plan     cgroups.Plan
		disabled bool
		want     string
	}{
		{runc, sd, false, "--systemd-cgroup"},
		{runc, fs, false, ""},
		{crun, sd, false, "--cgroup-manager=systemd"},
		{crun, fs, false, "--cgroup-manager=cgroupfs"},
		{crun, cgroups.Plan{}, true, "--cgroup-manager=disabled"},
	} {
		if got := strings.Join(runtimeCgroupArgs(c.rt, c.plan, c.disabled), " "); got != c.want {
			t.Errorf("%s %+v disabled=%v: %q, want %q", c.rt, c.plan, c.disabled, got, c.want)
		}
	}
}
