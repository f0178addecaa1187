package spec

import (
	"slices"
	"testing"
)

func TestExtra(t *testing.T) {
	base := Options{Rootfs: "/r", Args: []string{"true"}, Cwd: "/", Hostname: "h", User: User{AdditionalGids: []uint32{10}}}
	umask := uint32(0o77)
	o := base
	o.Extra = Extra{
		Rlimits: []Rlimit{{Type: "RLIMIT_NOFILE", Soft: 5, Hard: 6}, {Type: "RLIMIT_CORE", Soft: 0, Hard: 0}},
		ShmSize: 10 << 20, Sysctls: map[string]string{"kernel.shmmax": "1"}, Umask: &umask,
	}
	s, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range s.Process.Rlimits {
		if r.Type == "RLIMIT_NOFILE" {
			n++
			if r.Soft != 5 || r.Hard != 6 {
				t.Errorf("nofile %+v", r)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d RLIMIT_NOFILE entries, want one (the default replaced)", n)
	}
	for _, m := range s.Mounts {
		if m.Destination == "/dev/shm" && !slices.Contains(m.Options, "size=10240k") {
			t.Errorf("/dev/shm options %q", m.Options)
		}
	}
	if s.Linux.Sysctl["kernel.shmmax"] != "1" || s.Process.User.Umask == nil || *s.Process.User.Umask != 0o77 {
		t.Errorf("sysctl %v umask %v", s.Linux.Sysctl, s.Process.User.Umask)
	}
	if s.Annotations["run.oci.keep_original_groups"] != "" {
		t.Errorf("keep-groups annotation without keep-groups")
	}
	o = base
	o.Extra.KeepGroups = true
	if s, err = Generate(o); err != nil {
		t.Fatal(err)
	}
	if s.Annotations["run.oci.keep_original_groups"] != "1" || len(s.Process.User.AdditionalGids) != 0 {
		t.Errorf("keep-groups: annotations %v, groups %v", s.Annotations, s.Process.User.AdditionalGids)
	}
}

func TestExtraNamespaces(t *testing.T) {
	o := Options{Rootfs: "/r", Args: []string{"true"}, Cwd: "/", Hostname: "h", Rootless: true}
	o.Extra.Namespaces = map[string]string{"pid": NSHost, "ipc": "/proc/1/ns/ipc", "uts": NSHost, "cgroup": NSPrivate}
	s, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, ns := range s.Linux.Namespaces {
		got[string(ns.Type)] = ns.Path
	}
	if _, ok := got["pid"]; ok {
		t.Errorf("a PID namespace with --pid host")
	}
	if _, ok := got["uts"]; ok || s.Hostname != "" {
		t.Errorf("a UTS namespace or host name (%q) with --uts host", s.Hostname)
	}
	if p, ok := got["cgroup"]; !ok || p != "" {
		t.Errorf("cgroup namespace %q, %v; want a new one", p, ok)
	}
	if got["ipc"] != "/proc/1/ns/ipc" {
		t.Errorf("ipc namespace %q", got["ipc"])
	}
	for _, m := range s.Mounts {
		if m.Destination == "/proc" && (m.Type != "bind" || m.Source != "/proc") {
			t.Errorf("rootless with the host's PID namespace, /proc is %+v; want the host's bound", m)
		}
	}
}
