package runtime

import (
	"slices"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

func TestCheckIDMap(t *testing.T) {
	own := []IDSpan{{First: 0, Count: 65537}}
	for _, tc := range []struct {
		m   []spec.IDMap
		err string
	}{
		{m: []spec.IDMap{{ContainerID: 0, HostID: 1, Size: 65536}}},
		{m: []spec.IDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: 1, HostID: 1, Size: 999}}},
		{m: []spec.IDMap{{ContainerID: 0, HostID: 1, Size: 65537}}, err: "not in husk's user namespace"},
		{m: []spec.IDMap{{ContainerID: 0, HostID: 70000, Size: 1}}, err: "not in husk's user namespace"},
		{m: []spec.IDMap{{ContainerID: 0, HostID: 1, Size: 0}}, err: "empty range"},
		{m: []spec.IDMap{{ContainerID: 0, HostID: 1, Size: 10}, {ContainerID: 5, HostID: 20, Size: 10}}, err: "overlaps"},
		{m: []spec.IDMap{{ContainerID: 0, HostID: 1, Size: 10}, {ContainerID: 10, HostID: 5, Size: 10}}, err: "overlaps"},
		{m: []spec.IDMap{{ContainerID: 4294967290, HostID: 1, Size: 10}}, err: "past 4294967294"},
	} {
		err := checkIDMap("{uidmap}", tc.m, own)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%v: error %v, want %q", tc.m, err, tc.err)
		}
	}
}

func TestSpansCover(t *testing.T) {
	spans := []IDSpan{{First: 0, Count: 1}, {First: 1, Count: 100}, {First: 200, Count: 10}}
	for _, tc := range []struct {
		first, n uint64
		want     bool
	}{{0, 101, true}, {0, 102, false}, {200, 10, true}, {199, 2, false}, {205, 6, false}, {50, 1, true}} {
		if got := spansCover(spans, tc.first, tc.n); got != tc.want {
			t.Errorf("cover %d+%d: %v", tc.first, tc.n, got)
		}
	}
}

func TestUserNSMaps(t *testing.T) {
	uid, gid := uint32(200), uint32(0)
	u, g := userNSMaps(Env{HostUID: 1001, HostGID: 1001}, &Config{KeepID: true, Isolation: Isolation{UsernsOptions: UsernsOptions{KeepIDUID: &uid, KeepIDGID: &gid}}})
	if mapString(u[0])+" "+mapString(u[1]) != "0:1:200 200:0:1" || mapString(g[0]) != "0:0:1" {
		t.Errorf("keep-id:uid=200,gid=0: %v %v", u, g)
	}
	if !mapsUser(u) || mapsUser([]spec.IDMap{{ContainerID: 0, HostID: 1, Size: 5}}) {
		t.Errorf("mapsUser")
	}
	c := &Config{Isolation: Isolation{UsernsOptions: UsernsOptions{UIDMap: []spec.IDMap{{ContainerID: 0, HostID: 1, Size: 5}}}}}
	if !c.ownUserNS() {
		t.Errorf("a --uidmap container has its own user namespace")
	}
}

func TestMappedGroups(t *testing.T) {
	var warn strings.Builder
	env := Env{Notices: &warn}
	m := []spec.IDMap{{ContainerID: 0, HostID: 1, Size: 8}}
	if got := mappedGroups(env, []uint32{3, 10}, m); !slices.Equal(got, []uint32{3}) {
		t.Errorf("mappedGroups: %v", got)
	}
	if !strings.Contains(warn.String(), "gid=10 is not present") || strings.Contains(warn.String(), "gid=3 ") {
		t.Errorf("warning: %q", warn.String())
	}
	if got := mappedGroups(env, []uint32{10}, nil); !slices.Equal(got, []uint32{10}) {
		t.Errorf("without a map: %v", got)
	}
}
