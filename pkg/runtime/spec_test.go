package runtime

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/cgroups"
)

func baseOptions() SpecOptions {
	return SpecOptions{Rootfs: "/r", Args: []string{"/bin/sh"}, Env: []string{"PATH=/bin"}, Cwd: "/", Hostname: "h", Network: NetworkNone, Rootless: true}
}

func TestGenerateSpecDefaults(t *testing.T) {
	spec, err := GenerateSpec(baseOptions())
	if err != nil {
		t.Fatal(err)
	}
	if spec.Version != ociVersion {
		t.Errorf("ociVersion %q", spec.Version)
	}
	caps := spec.Process.Capabilities
	if !reflect.DeepEqual(sorted(caps.Bounding), sorted(DefaultCapabilities)) || !reflect.DeepEqual(sorted(caps.Effective), sorted(DefaultCapabilities)) {
		t.Errorf("default caps: %v", caps.Bounding)
	}
	if spec.Linux.Seccomp == nil || spec.Linux.Seccomp.DefaultAction == "" {
		t.Error("no default seccomp profile")
	}
	if !slices.Contains(spec.Linux.MaskedPaths, "/proc/kcore") || !slices.Contains(spec.Linux.ReadonlyPaths, "/proc/sys") {
		t.Error("masked/readonly paths missing")
	}
	ns := map[string]bool{}
	for _, n := range spec.Linux.Namespaces {
		ns[string(n.Type)] = true
	}
	for _, want := range []string{"pid", "ipc", "uts", "mount", "network"} {
		if !ns[want] {
			t.Errorf("namespace %s missing", want)
		}
	}
	if ns["user"] {
		t.Error("user namespace without keep-id: husk already runs in one")
	}
	if spec.Linux.Resources != nil {
		t.Error("resources set")
	}
	for _, m := range spec.Mounts {
		if m.Destination == "/sys" && m.Type != "sysfs" {
			t.Errorf("private network: /sys should be a fresh sysfs, got %s", m.Type)
		}
	}
}

func sorted(s []string) []string {
	c := append([]string{}, s...)
	slices.Sort(c)
	return c
}

func TestGenerateSpecFlags(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*SpecOptions)
		check func(t *testing.T, o SpecOptions)
	}{
		{"cap-drop ALL", func(o *SpecOptions) { o.CapDrop = []string{"all"} }, nil},
		{"cap-add", func(o *SpecOptions) { o.CapAdd = []string{"net_admin", "CAP_SYS_PTRACE"} }, nil},
		{"privileged", func(o *SpecOptions) { o.Privileged = true }, nil},
		{"seccomp unconfined", func(o *SpecOptions) { o.Seccomp.Unconfined = true }, nil},
		{"no-new-privileges", func(o *SpecOptions) { o.NoNewPrivileges = true }, nil},
		{"read-only", func(o *SpecOptions) { o.ReadOnly = true }, nil},
		{"host network", func(o *SpecOptions) { o.Network = NetworkHost }, nil},
		{"tty", func(o *SpecOptions) { o.Terminal = true }, nil},
		{"user", func(o *SpecOptions) { o.User = User{UID: 1000, GID: 1000, AdditionalGids: []uint32{10}} }, nil},
		{"keep-id", func(o *SpecOptions) {
			o.UIDMap = []IDMap{{0, 1, 1000}, {1000, 0, 1}}
			o.GIDMap = o.UIDMap
		}, nil},
		{"single-id devpts", func(o *SpecOptions) { o.SingleID = true }, nil},
		{"bind and tmpfs", func(o *SpecOptions) {
			o.Mounts = []Mount{{Type: "bind", Source: "/src", Destination: "/dst", Options: []string{"ro"}}, {Type: "tmpfs", Source: "tmpfs", Destination: "/tmp", Options: []string{"size=1m"}}}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := baseOptions()
			tt.mod(&o)
			spec, err := GenerateSpec(o)
			if err != nil {
				t.Fatal(err)
			}
			caps := spec.Process.Capabilities
			switch tt.name {
			case "cap-drop ALL":
				if len(caps.Bounding) != 0 || len(caps.Effective) != 0 {
					t.Errorf("caps left: %v", caps.Bounding)
				}
			case "cap-add":
				if !slices.Contains(caps.Bounding, "CAP_NET_ADMIN") || !slices.Contains(caps.Effective, "CAP_SYS_PTRACE") || !slices.Contains(caps.Bounding, "CAP_CHOWN") {
					t.Errorf("caps: %v", caps.Bounding)
				}
			case "privileged":
				if len(caps.Bounding) < 38 || spec.Linux.Seccomp != nil || len(spec.Linux.MaskedPaths) != 0 {
					t.Errorf("privileged: %d caps, seccomp %v, masked %v", len(caps.Bounding), spec.Linux.Seccomp != nil, spec.Linux.MaskedPaths)
				}
			case "seccomp unconfined":
				if spec.Linux.Seccomp != nil {
					t.Error("seccomp still set")
				}
			case "no-new-privileges":
				if !spec.Process.NoNewPrivileges {
					t.Error("noNewPrivileges not set")
				}
			case "read-only":
				if !spec.Root.Readonly {
					t.Error("root not read-only")
				}
			case "host network":
				for _, n := range spec.Linux.Namespaces {
					if n.Type == "network" {
						t.Error("network namespace with --network host")
					}
				}
				for _, m := range spec.Mounts {
					if m.Destination == "/sys" && (m.Type != "bind" || !slices.Contains(m.Options, "ro") || !slices.Contains(m.Options, "rbind")) {
						t.Errorf("/sys with host network: %+v", m)
					}
				}
			case "tty":
				if !spec.Process.Terminal {
					t.Error("terminal not set")
				}
			case "user":
				u := spec.Process.User
				if u.UID != 1000 || u.GID != 1000 || !slices.Equal(u.AdditionalGids, []uint32{10}) {
					t.Errorf("user %+v", u)
				}
				if len(caps.Effective) != 0 {
					t.Error("non-root user keeps effective caps")
				}
			case "keep-id":
				found := false
				for _, n := range spec.Linux.Namespaces {
					found = found || n.Type == "user"
				}
				if !found || len(spec.Linux.UIDMappings) != 2 || spec.Linux.UIDMappings[1].HostID != 0 || spec.Linux.UIDMappings[1].ContainerID != 1000 {
					t.Errorf("keep-id: userns %v maps %+v", found, spec.Linux.UIDMappings)
				}
			case "single-id devpts":
				for _, m := range spec.Mounts {
					if m.Destination == "/dev/pts" && slices.Contains(m.Options, "gid=5") {
						t.Error("devpts gid=5 in a single-id namespace")
					}
				}
			case "bind and tmpfs":
				var dst, tmp bool
				for _, m := range spec.Mounts {
					if m.Destination == "/dst" {
						dst = m.Source == "/src" && slices.Contains(m.Options, "rbind") && slices.Contains(m.Options, "ro")
					}
					if m.Destination == "/tmp" {
						tmp = m.Type == "tmpfs" && slices.Contains(m.Options, "size=1m")
					}
				}
				if !dst || !tmp {
					t.Errorf("mounts: %+v", spec.Mounts)
				}
			}
		})
	}
}

func TestGenerateSpecErrors(t *testing.T) {
	o := baseOptions()
	o.Args = nil
	if _, err := GenerateSpec(o); err == nil || !strings.Contains(err.Error(), "no command") {
		t.Errorf("empty args: %v", err)
	}
	o = baseOptions()
	o.CapAdd = []string{"NOT_A_CAP"}
	if _, err := GenerateSpec(o); err == nil {
		t.Error("unknown capability accepted")
	}
	o = baseOptions()
	o.Seccomp.Profile = "{bad"
	if _, err := GenerateSpec(o); err == nil {
		t.Error("invalid seccomp profile accepted")
	}
}

func TestProcessArgs(t *testing.T) {
	img := ImageConfig{Entrypoint: []string{"/ep"}, Cmd: []string{"a", "b"}}
	ep := []string{"/other"}
	empty := []string{}
	tests := []struct {
		ep   *[]string
		args []string
		want []string
	}{
		{nil, nil, []string{"/ep", "a", "b"}},
		{nil, []string{"x"}, []string{"/ep", "x"}},
		{&ep, nil, []string{"/other"}},
		{&ep, []string{"y"}, []string{"/other", "y"}},
		{&empty, []string{"sh"}, []string{"sh"}},
	}
	for _, tt := range tests {
		if got := ProcessArgs(img, tt.ep, tt.args); !slices.Equal(got, tt.want) {
			t.Errorf("%v %v: got %v want %v", tt.ep, tt.args, got, tt.want)
		}
	}
}

func TestMergeEnv(t *testing.T) {
	got := MergeEnv([]string{"HOME=/root", "A=1"}, []string{"A=2", "B=x"}, []string{"B=y"})
	want := []string{"PATH=" + DefaultPath, "HOME=/root", "A=2", "B=y"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v", got)
	}
}

func TestResolveUser(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nwheel:x:10:app\napp:x:1000:\nstaff:x:50:\n"), 0o644)
	tests := []struct {
		spec string
		want User
		err  bool
	}{
		{"", User{UID: 0, GID: 0, Home: "/root"}, false},
		{"app", User{UID: 1000, GID: 1000, AdditionalGids: []uint32{10}, Home: "/home/app"}, false},
		{"1000", User{UID: 1000, GID: 1000, AdditionalGids: []uint32{10}, Home: "/home/app"}, false},
		// An explicit group replaces the supplementary ones (runc's rule).
		{"app:staff", User{UID: 1000, GID: 50, Home: "/home/app"}, false},
		{"4242:4343", User{UID: 4242, GID: 4343, Home: "/"}, false},
		{"nobody", User{}, true},
		{"app:nogroup", User{}, true},
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
	u, g := keepIDMaps(Env{HostUID: 1001, HostGID: 1001})
	want := []IDMap{{0, 1, 1001}, {1001, 0, 1}, {1002, 1002, 65536 - 1002}}
	if !reflect.DeepEqual(u, want) || !reflect.DeepEqual(g, want) {
		t.Fatalf("got %v", u)
	}
	if got := mapID(1001, u); got != 0 {
		t.Errorf("container uid 1001 maps to %d", got)
	}
	if got := mapID(5, u); got != 6 {
		t.Errorf("container uid 5 maps to %d", got)
	}
	u, _ = keepIDMaps(Env{HostUID: 1001, HostGID: 1001, SingleID: true})
	if !reflect.DeepEqual(u, []IDMap{{1001, 0, 1}}) {
		t.Errorf("single: %v", u)
	}
}

func TestRuntimeCgroupArgs(t *testing.T) {
	runc, crun := &OCI{Name: "runc"}, &OCI{Name: "crun"}
	sd := cgroups.Plan{SpecPath: "user.slice:husk:x", Systemd: true}
	fs := cgroups.Plan{SpecPath: "/deleg/husk-x"}
	for _, c := range []struct {
		rt       *OCI
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
			t.Errorf("%s %+v disabled=%v: %q, want %q", c.rt.Name, c.plan, c.disabled, got, c.want)
		}
	}
}
