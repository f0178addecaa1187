//go:build linux

package main

import (
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

func TestLogOpts(t *testing.T) {
	for _, tc := range []struct {
		args        []string
		size        int64
		files       int
		errContains string
	}{
		// Without --log-opt the default limits hold, and are recorded so
		// that inspect shows them.
		{nil, runtime.DefaultLogMaxSize, runtime.DefaultLogMaxFiles, ""},
		{[]string{"--log-opt", "max-size=1m"}, 1 << 20, runtime.DefaultLogMaxFiles, ""},
		{[]string{"--log-opt", "max-size=10k", "--log-opt", "max-file=5"}, 10 << 10, 5, ""},
		{[]string{"--log-opt", "max-file=1"}, runtime.DefaultLogMaxSize, 1, ""},
		{[]string{"--log-opt", "max-size=-1"}, -1, runtime.DefaultLogMaxFiles, ""},
		{[]string{"--log-opt", "max-size=0"}, 0, 0, "-1 for no limit"},
		{[]string{"--log-opt", "max-size=lots"}, 0, 0, "k, m or g"},
		{[]string{"--log-opt", "max-file=0"}, 0, 0, "from 1 to 100"},
		{[]string{"--log-opt", "max-file=x"}, 0, 0, "from 1 to 100"},
		{[]string{"--log-opt", "compress=true"}, 0, 0, "max-size=SIZE or max-file=N"},
	} {
		cfg, err := parseContainerFlags(t, append(tc.args, "img")...)
		switch {
		case tc.errContains != "":
			if err == nil || !strings.Contains(err.Error(), tc.errContains) {
				t.Errorf("%v: error %v, want one saying %q", tc.args, err, tc.errContains)
			}
		case err != nil:
			t.Errorf("%v: %v", tc.args, err)
		case cfg.LogMaxSize != tc.size || cfg.LogMaxFiles != tc.files:
			t.Errorf("%v: max-size %d, max-file %d; want %d, %d", tc.args, cfg.LogMaxSize, cfg.LogMaxFiles, tc.size, tc.files)
		}
	}
}
