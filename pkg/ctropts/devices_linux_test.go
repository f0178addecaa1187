package ctropts

import (
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

func TestParseDevice(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want runtime.Device
		err  bool
	}{
		{in: "/dev/fuse", want: runtime.Device{PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", Permissions: "rwm"}},
		{in: "/dev/null:/dev/mynull", want: runtime.Device{PathOnHost: "/dev/null", PathInContainer: "/dev/mynull", Permissions: "rwm"}},
		{in: "/dev/null:r", want: runtime.Device{PathOnHost: "/dev/null", PathInContainer: "/dev/null", Permissions: "r"}},
		{in: "/dev/null:/dev/x:rw", want: runtime.Device{PathOnHost: "/dev/null", PathInContainer: "/dev/x", Permissions: "rw"}},
		{in: "/dev/./null:/dev/x/", want: runtime.Device{PathOnHost: "/dev/null", PathInContainer: "/dev/x", Permissions: "rwm"}},
		{in: "/dev/net", want: runtime.Device{PathOnHost: "/dev/net", PathInContainer: "/dev/net", Permissions: "rwm"}},
		{in: "dev/null", err: true},
		{in: "/dev/null:rel", err: true},
		{in: "/dev/null:/dev/x:rx", err: true},
		{in: "/dev/null:/dev/x:rr", err: true},
		{in: "/dev/null:/dev/x:r:w", err: true},
		{in: "/dev/null:/", err: true},
		{in: "", err: true},
	} {
		got, err := ParseDevice(tc.in)
		if tc.err {
			if err == nil {
				t.Errorf("ParseDevice(%q) = %+v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseDevice(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestDeviceFlagsCDI(t *testing.T) {
	var cfg runtime.Config
	f := DeviceFlags{Devices: []string{"test.husk/device=foo", "/dev/null"}}
	if err := f.apply(&cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.CDIDevices) != 1 || cfg.CDIDevices[0] != "test.husk/device=foo" || len(cfg.Devices) != 1 {
		t.Fatalf("CDI %v, devices %v", cfg.CDIDevices, cfg.Devices)
	}
}

func TestCheckDeviceCgroupRule(t *testing.T) {
	for in, ok := range map[string]bool{
		"c 1:3 rwm": true, "b *:* r": true, "a *:* rwm": true, "c 10:200 rw": true,
		"c 1:3": false, "x 1:3 rwm": false, "c 1 rwm": false, "c a:3 rwm": false, "c 1:3 rwx": false, "": false,
	} {
		if err := CheckDeviceCgroupRule(in); (err == nil) != ok {
			t.Errorf("CheckDeviceCgroupRule(%q) = %v, want ok=%v", in, err, ok)
		}
	}
}
