package spec

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestApplyMasks(t *testing.T) {
	for _, tc := range []struct {
		mask, unmask     []string
		masked, readonly []string
	}{
		{nil, nil, []string{"/proc/kcore", "/sys/firmware"}, []string{"/proc/sys"}},
		{[]string{"/opt", "/proc/kcore"}, nil, []string{"/proc/kcore", "/sys/firmware", "/opt"}, []string{"/proc/sys"}},
		{nil, []string{"/proc/*"}, []string{"/sys/firmware"}, nil},
		{nil, []string{"/sys/firmware"}, []string{"/proc/kcore"}, []string{"/proc/sys"}},
		{[]string{"/opt"}, []string{UnmaskAll}, []string{"/opt"}, nil},
	} {
		s := &specs.Spec{Linux: &specs.Linux{MaskedPaths: []string{"/proc/kcore", "/sys/firmware"}, ReadonlyPaths: []string{"/proc/sys"}}}
		applyMasks(s, tc.mask, tc.unmask)
		if !reflect.DeepEqual(s.Linux.MaskedPaths, tc.masked) || !reflect.DeepEqual(s.Linux.ReadonlyPaths, tc.readonly) {
			t.Errorf("mask %q unmask %q: masked %q readonly %q, want %q %q", tc.mask, tc.unmask, s.Linux.MaskedPaths, s.Linux.ReadonlyPaths, tc.masked, tc.readonly)
		}
	}
}
