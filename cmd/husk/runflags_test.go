//go:build linux

package main

import (
	"strings"
	"testing"
)

// What run cannot do is refused before anything is opened or made: 125,
// one line, the flag named.
func TestRunFlagRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--sig-proxy=false", "img"}, "--sig-proxy=false: husk cannot leave a foreground container running"},
		{[]string{"run", "--detach-keys", "ctrl-a", "img"}, `--detach-keys "ctrl-a": husk detaches only from a container's terminal that takes input: add --tty and --interactive`},
		{[]string{"run", "-i", "--detach-keys", "ctrl-a", "img"}, `--detach-keys "ctrl-a": husk detaches only`},
		{[]string{"run", "-it", "--detach-keys", "foo", "img"}, `invalid detach keys "foo"`},
		{[]string{"create", "--detach-keys", "ctrl-", "img"}, `invalid detach keys "ctrl-"`},
		{[]string{"run", "-d", "-a", "stdout", "img"}, "--attach is for a run in the foreground"},
		{[]string{"create", "-a", "stdout", "img"}, "--attach is for a run in the foreground"},
		{[]string{"run", "-a", "stdall", "img"}, `invalid --attach stream "stdall"`},
		{[]string{"run", "-d", "--preserve-fds", "1", "img"}, "--preserve-fds is for a run in the foreground"},
		{[]string{"run", "-d", "--log-driver", "passthrough", "img"}, "--log-driver=passthrough hands husk's own stdio"},
		{[]string{"run", "--arch", "arm64", "--platform", "linux/arm64", "img"}, "--platform cannot be given with --os, --arch or --variant"},
		{[]string{"run", "--ulimit", "nofile=2:1", "img"}, `--ulimit "nofile=2:1"`},
		{[]string{"run", "--sysctl", "kernel.panic=1", "img"}, `--sysctl "kernel.panic" is not allowed`},
		{[]string{"run", "--umask", "0999", "img"}, `invalid --umask "0999"`},
		{[]string{"run", "--uts", "host", "--hostname", "h", "img"}, "--hostname cannot be given with --uts host"},
		{[]string{"run", "--stop-timeout", "-1", "img"}, `invalid argument "-1" for "--stop-timeout"`},
	} {
		_, errOut, code := runCLI(t, "", tc.args...)
		// A flag the parser refuses adds a hint line; any other refusal
		// is one line.
		first, rest, _ := strings.Cut(errOut, "\n")
		hint := rest == "" || strings.HasPrefix(rest, "See 'husk ")
		if code != exitHusk || !strings.HasPrefix(first, "husk: ") || !strings.Contains(first, tc.want) || !hint {
			t.Errorf("husk %s: %d %q; want 125 and one line with %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}
