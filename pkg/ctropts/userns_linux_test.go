package ctropts

import (
	"strconv"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

func TestUserns(t *testing.T) {
	u32 := func(p *uint32) int64 {
		if p == nil {
			return -1
		}
		return int64(*p)
	}
	for _, tc := range []struct {
		mode string
		maps IDMapFlags
		want string // KeepID NoMap AutoSize KeepIDUID KeepIDGID UsernsMode #UIDMap #GIDMap SubIDName
		err  string
	}{
		{mode: "", want: "false false 0 -1 -1  0 0 "},
		{mode: "host", want: "false false 0 -1 -1 host 0 0 "},
		{mode: "keep-id", want: "true false 0 -1 -1 keep-id 0 0 "},
		{mode: "keep-id:uid=200,gid=300", want: "true false 0 200 300 keep-id:uid=200,gid=300 0 0 "},
		{mode: "keep-id:uid=5", want: "true false 0 5 -1 keep-id:uid=5 0 0 "},
		{mode: "keep-id:uid=x", err: "want uid=N"},
		{mode: "keep-id:size=1", err: "want uid=N"},
		{mode: "nomap", want: "false true 0 -1 -1 nomap 0 0 "},
		{mode: "auto", want: "false false 1024 -1 -1 auto 0 0 "},
		{mode: "auto:size=500", want: "false false 500 -1 -1 auto:size=500 0 0 "},
		{mode: "auto:size=0", err: "size=N only"},
		{mode: "auto:uidmapping=0:1:10", err: "size=N only"},
		{mode: "private", err: "needs the container's id maps"},
		{mode: "ns:/proc/1/ns/user", err: "cannot be entered"},
		{mode: "bogus", err: "unsupported"},
		{maps: IDMapFlags{UIDMap: []string{"0:1:1000"}}, want: "false false 0 -1 -1 private 1 1 "},
		{maps: IDMapFlags{UIDMap: []string{"0:1:1000"}, GIDMap: []string{"0:2:5", "5:10:5"}}, want: "false false 0 -1 -1 private 1 2 "},
		{mode: "private", maps: IDMapFlags{GIDMap: []string{"0:1:10"}}, want: "false false 0 -1 -1 private 1 1 "},
		{mode: "keep-id", maps: IDMapFlags{UIDMap: []string{"0:1:10"}}, err: "exclude each other"},
		{maps: IDMapFlags{UIDMap: []string{"0:1"}}, err: "CONTAINER-ID:HOST-ID:SIZE"},
		{maps: IDMapFlags{UIDMap: []string{"0:-1:5"}}, err: "CONTAINER-ID:HOST-ID:SIZE"},
		{maps: IDMapFlags{UIDMap: []string{"0:1:4294967295"}}, err: "CONTAINER-ID:HOST-ID:SIZE"},
		{maps: IDMapFlags{SubUIDName: "alice"}, want: "false false 0 -1 -1 private 0 0 alice"},
		{maps: IDMapFlags{SubUIDName: "alice", SubGIDName: "bob"}, err: "can only be your own user"},
		{maps: IDMapFlags{SubUIDName: "alice", UIDMap: []string{"0:1:1"}}, err: "exclude each other"},
	} {
		var cfg runtime.Config
		err := userns(&cfg, tc.mode, tc.maps)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q %+v: error %v, want one with %q", tc.mode, tc.maps, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q %+v: %v", tc.mode, tc.maps, err)
			continue
		}
		u := cfg.UsernsOptions
		got := strings.Join([]string{
			boolStr(cfg.KeepID), boolStr(u.NoMap), itoa(int64(u.AutoSize)), itoa(u32(u.KeepIDUID)), itoa(u32(u.KeepIDGID)),
			u.UsernsMode, itoa(int64(len(u.UIDMap))), itoa(int64(len(u.GIDMap))), u.SubIDName}, " ")
		if got != tc.want {
			t.Errorf("%q %+v: got %q, want %q", tc.mode, tc.maps, got, tc.want)
		}
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestRootfsDir(t *testing.T) {
	dir := t.TempDir()
	cfg := runtime.Config{Image: dir}
	if err := rootfsDir(&cfg); err != nil || cfg.Rootfs != dir || cfg.Image != "" {
		t.Errorf("%q: %v %+v", dir, err, cfg.Isolation)
	}
	cfg = runtime.Config{Image: dir + ":O"}
	if err := rootfsDir(&cfg); err != nil || cfg.Rootfs != dir || !cfg.RootfsOverlay {
		t.Errorf("%q:O: %v %+v", dir, err, cfg.Isolation)
	}
	for in, want := range map[string]string{dir + "/missing:O": "no such file", dir + "/missing": "no such file", "/etc/passwd": "not a directory"} {
		cfg := runtime.Config{Image: in}
		if err := rootfsDir(&cfg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

func TestImageMounts(t *testing.T) {
	mounts := []string{"type=image,source=busybox,destination=/img", "type=tmpfs,target=/t", "type=image,src=alpine,dst=/a/,rw=true"}
	got, err := imageMounts(mounts)
	if err != nil || len(got) != 2 || got[0] != (runtime.ImageMount{Image: "busybox", Destination: "/img"}) ||
		got[1] != (runtime.ImageMount{Image: "alpine", Destination: "/a", RW: true}) {
		t.Errorf("%+v %v", got, err)
	}
	if rest := withoutImageMounts(mounts); len(rest) != 1 || rest[0] != "type=tmpfs,target=/t" {
		t.Errorf("without: %q", rest)
	}
	for _, bad := range []string{"type=image,destination=/x", "type=image,source=b", "type=image,source=b,target=/x,tmpfs-size=1m", "type=image,source=b,target=rel"} {
		if _, err := imageMounts([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := volumes(nil, []string{"type=ramfs,destination=/r", "type=devpts,destination=/dev/pts2"}, nil); err != nil {
		t.Errorf("ramfs, devpts: %v", err)
	}
}
