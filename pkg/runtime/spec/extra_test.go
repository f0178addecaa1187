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
