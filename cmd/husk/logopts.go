//go:build linux

package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/pkg/runtime"
)

// parseLogOpts validates --log-opt values into the container log's
// limits, with the defaults filled in so that inspect shows what holds.
func parseLogOpts(opts []string) (runtime.LogLimits, error) {
	l := runtime.LogLimits{MaxSize: runtime.DefaultLogMaxSize, MaxFiles: runtime.DefaultLogMaxFiles}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "max-size":
			if strings.TrimSpace(v) == "-1" {
				l.MaxSize = -1
				continue
			}
			n, err := parseSize(v)
			if err != nil {
				return l, fmt.Errorf("--log-opt %q: %w, or -1 for no limit", o, err)
			}
			l.MaxSize = n
		case "max-file":
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 || n > 100 {
				return l, fmt.Errorf("--log-opt %q: use a number of files from 1 to 100 (the current one included)", o)
			}
			l.MaxFiles = n
		default:
			return l, fmt.Errorf("unsupported --log-opt %q: use max-size=SIZE or max-file=N", o)
		}
	}
	return l, nil
}
