package ctropts

import (
	"reflect"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

func TestParseVolumeAnonymousAndOptions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want runtime.VolumeSpec
	}{
		{"/data", runtime.VolumeSpec{Kind: runtime.VolumeNamed, Destination: "/data", Anonymous: true}},
		{"/data/:ro", runtime.VolumeSpec{Kind: runtime.VolumeNamed, Destination: "/data", Anonymous: true, ReadOnly: true}},
		{"/data:U", runtime.VolumeSpec{Kind: runtime.VolumeNamed, Destination: "/data", Anonymous: true, Options: []string{"U"}}},
		{"/src:/dst:U,z", runtime.VolumeSpec{Kind: runtime.VolumeBind, Source: "/src", Destination: "/dst", Options: []string{"U"}}},
		{"/src:/dst:Z", runtime.VolumeSpec{Kind: runtime.VolumeBind, Source: "/src", Destination: "/dst"}},
		{"/src:/dst:O", runtime.VolumeSpec{Kind: runtime.VolumeBind, Source: "/src", Destination: "/dst", Options: []string{"O"}}},
		{"vol:/dst:ro,U", runtime.VolumeSpec{Kind: runtime.VolumeNamed, Source: "vol", Destination: "/dst", ReadOnly: true, Options: []string{"U"}}},
	} {
		got, err := parseVolume(tc.in)
		if err != nil {
			t.Errorf("parseVolume(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseVolume(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"/src:/dst:z,Z", "give one of z, Z, O"},
		{"vol:/dst:O", "O (an overlay) is for host directories"},
		{"/src:/dst:O,z", "give one of z, Z, O"},
		{"/src:/dst:idmap", "idmapped mounts (idmap) are not supported"},
		{"/data:bogus", `"bogus"`},
		{"/src:/dst:bogus", `unknown option "bogus"`},
		{"/data:/", "the container's root"},
		{"rel", "expected"},
	} {
		_, err := parseVolume(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseVolume(%q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
}

func TestDuplicateDestination(t *testing.T) {
	_, err := volumes([]string{"/data", "/tmp:/data/"}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "/data: duplicate mount destination") {
		t.Errorf("two mounts on /data: %v, want podman's duplicate mount destination", err)
	}
}
