package pullopts

import (
	"runtime"
	"testing"
)

func TestJoinPlatform(t *testing.T) {
	for _, tc := range []struct{ os, arch, variant, want string }{
		{"", "", "", ""},
		{"", "arm64", "", runtime.GOOS + "/arm64"},
		{"linux", "", "", "linux/" + runtime.GOARCH},
		{"", "arm", "v7", runtime.GOOS + "/arm/v7"},
		{"", "", "v8", runtime.GOOS + "/" + runtime.GOARCH + "/v8"},
	} {
		if got := JoinPlatform(tc.os, tc.arch, tc.variant); got != tc.want {
			t.Errorf("JoinPlatform(%q, %q, %q) = %q, want %q", tc.os, tc.arch, tc.variant, got, tc.want)
		}
	}
}
