package cgroups

import (
	"strings"
	"testing"
)

func TestCgroupParent(t *testing.T) {
	const id = "abc"
	rootlessV2 := Info{Mode: ModeV2, Mount: "/sys/fs/cgroup", Delegated: "/user.slice/u", Rootless: true, Manager: ManagerCgroupfs}
	rootlessHybrid := rootlessV2
	rootlessHybrid.Mode = ModeHybrid
	rootlessV1 := Info{Mode: ModeV1, Rootless: true, Manager: ManagerCgroupfs}
	systemd := rootlessV2
	systemd.Manager = ManagerSystemd
	root := Info{Mode: ModeV2, Mount: "/sys/fs/cgroup", Manager: ManagerCgroupfs}
	for _, tc := range []struct {
		info     Info
		parent   string
		disabled bool
		path     string
		err      string
	}{
		{info: rootlessV2, parent: "web", path: "/user.slice/u/web/husk-abc"},
		{info: rootlessV2, parent: "a/b", path: "/user.slice/u/a/b/husk-abc"},
		{info: rootlessV2, parent: "/user.slice/u/x", path: "/user.slice/u/x/husk-abc"},
		{info: rootlessV2, parent: "/user.slice/other", err: "outside the cgroup tree"},
		{info: rootlessV2, parent: "../x", err: "outside the cgroup tree"},
		{info: rootlessV2, parent: "x.slice", err: "is a systemd slice"},
		{info: rootlessV2, parent: "x", disabled: true, err: "no cgroup"},
		{info: rootlessHybrid, parent: "web", path: ""},
		{info: rootlessV1, parent: "web", err: "no cgroup v2 tree is delegated"},
		{info: systemd, parent: "web.slice", path: "web.slice:husk:abc"},
		{info: systemd, parent: "web", err: "give NAME.slice"},
		{info: root, parent: "web", path: "/web/abc"},
	} {
		err := tc.info.CheckParent(tc.parent, tc.disabled)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%+v %q: error %v, want %q", tc.info.Mode, tc.parent, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v %q: %v", tc.info.Mode, tc.parent, err)
			continue
		}
		if path, _ := tc.info.SpecForIn(tc.parent, id, Resources{}, false); path != tc.path {
			t.Errorf("%v %q: cgroupsPath %q, want %q", tc.info.Mode, tc.parent, path, tc.path)
		}
	}
}
