package runtime

import (
	"strings"
	"testing"
)

func TestCheckVolumeOptions(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		opts map[string]string
		want string // "" for accepted
	}{
		{nil, ""},
		{map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "size=64m,mode=1777,uid=5,nosuid"}, ""},
		{map[string]string{"type": "tmpfs"}, ""},
		{map[string]string{"type": "none", "device": dir, "o": "bind"}, ""},
		{map[string]string{"device": dir, "o": "rbind"}, ""},
		{map[string]string{"type": "tmpfs", "device": "/dev/sda"}, "device=tmpfs"},
		{map[string]string{"type": "tmpfs", "o": "size"}, "a tmpfs volume takes"},
		{map[string]string{"type": "tmpfs", "o": "bogus=1"}, "a tmpfs volume takes"},
		{map[string]string{"type": "tmpfs", "o": "uid=x"}, "use a number"},
		{map[string]string{"type": "none", "device": "rel", "o": "bind"}, "ABSOLUTE"},
		{map[string]string{"type": "none", "device": dir + "/missing", "o": "bind"}, "not a directory"},
		{map[string]string{"type": "none", "device": dir}, "without o=bind"},
		{map[string]string{"type": "ext4", "device": "/dev/vda"}, "cannot mount ext4"},
		{map[string]string{"foo": "bar"}, "type, device and o"},
	} {
		err := CheckVolumeOptions(tc.opts)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckVolumeOptions(%v) = %v, want %q", tc.opts, err, tc.want)
		}
	}
}

func TestAddAnonymousVolumes(t *testing.T) {
	cfg := Config{Volumes: []VolumeSpec{
		{Kind: VolumeNamed, Destination: "/a", Anonymous: true},
		{Kind: VolumeBind, Source: "/h", Destination: "/covered"},
	}}
	addAnonymousVolumes(&cfg, map[string]struct{}{"/covered": {}, "/img/": {}, "rel": {}})
	if len(cfg.Volumes) != 3 {
		t.Fatalf("volumes: %+v", cfg.Volumes)
	}
	img := cfg.Volumes[2]
	if img.Destination != "/img" || !img.Anonymous || img.Kind != VolumeNamed {
		t.Errorf("the image's volume: %+v", img)
	}
	for _, v := range []VolumeSpec{cfg.Volumes[0], img} {
		if len(v.Source) != 64 || strings.Trim(v.Source, "0123456789abcdef") != "" {
			t.Errorf("anonymous volume name %q: want 64 hex digits", v.Source)
		}
	}
	if cfg.Volumes[0].Source == img.Source {
		t.Error("two anonymous volumes with one name")
	}
}
