package spec

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func baseOptions() Options {
	return Options{Rootfs: "/r", Args: []string{"/bin/sh"}, Env: []string{"PATH=/bin"}, Cwd: "/", Hostname: "h", Rootless: true}
}

func TestGenerateSpecDefaults(t *testing.T) {
	spec, err := Generate(baseOptions())
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

// TestGenerateSpecFlags is long (and branchy) on purpose: one short check
// per flag, in flag order; split up, the checks would only be harder to
// find.
func TestGenerateSpecFlags(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*Options)
		check func(t *testing.T, o Options)
	}{
		{"cap-drop ALL", func(o *Options) { o.CapDrop = []string{"all"} }, nil},
		{"cap-add", func(o *Options) { o.CapAdd = []string{"net_admin", "CAP_SYS_PTRACE"} }, nil},
		{"privileged", func(o *Options) { o.Privileged = true }, nil},
		{"seccomp unconfined", func(o *Options) { o.Seccomp.Unconfined = true }, nil},
		{"no-new-privileges", func(o *Options) { o.NoNewPrivileges = true }, nil},
		{"read-only", func(o *Options) { o.ReadOnly = true }, nil},
		{"host network", func(o *Options) { o.HostNetwork = true }, nil},
		{"tty", func(o *Options) { o.Terminal = true }, nil},
		{"user", func(o *Options) { o.User = User{UID: 1000, GID: 1000, AdditionalGids: []uint32{10}} }, nil},
		{"keep-id", func(o *Options) {
			o.UIDMap = []IDMap{{0, 1, 1000}, {1000, 0, 1}}
			o.GIDMap = o.UIDMap
		}, nil},
		{"single-id devpts", func(o *Options) { o.SingleID = true }, nil},
		{"gid 5 unmapped devpts", func(o *Options) { o.UIDMap = []IDMap{{0, 1, 5}}; o.GIDMap = o.UIDMap }, nil},
		{"gid 5 mapped devpts", func(o *Options) { o.UIDMap = []IDMap{{0, 1, 6}}; o.GIDMap = o.UIDMap }, nil},
		{"bind and tmpfs", func(o *Options) {
			o.Mounts = []Mount{{Type: "bind", Source: "/src", Destination: "/dst", Options: []string{"ro"}}, {Type: "tmpfs", Source: "tmpfs", Destination: "/tmp", Options: []string{"size=1m"}}}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := baseOptions()
			tt.mod(&o)
			spec, err := Generate(o)
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
			case "single-id devpts", "gid 5 unmapped devpts", "gid 5 mapped devpts":
				for _, m := range spec.Mounts {
					if m.Destination == "/dev/pts" && slices.Contains(m.Options, "gid=5") != (tt.name == "gid 5 mapped devpts") {
						t.Errorf("%s: devpts options %v", tt.name, m.Options)
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
	if _, err := Generate(o); err == nil || !strings.Contains(err.Error(), "no command") {
		t.Errorf("empty args: %v", err)
	}
	o = baseOptions()
	o.CapAdd = []string{"NOT_A_CAP"}
	if _, err := Generate(o); err == nil {
		t.Error("unknown capability accepted")
	}
	o = baseOptions()
	o.Seccomp.Profile = "{bad"
	if _, err := Generate(o); err == nil {
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
