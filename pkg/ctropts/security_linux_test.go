package ctropts

import (
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

func TestSecurityOpts(t *testing.T) {
	noSELinux := func() bool { return false }
	for _, tc := range []struct {
		opts    []string
		selinux bool
		check   func(runtime.Config) bool
		err     string
	}{
		{opts: []string{"no-new-privileges"}, check: func(c runtime.Config) bool { return c.NoNewPrivileges }},
		{opts: []string{"no-new-privileges:true", "no-new-privileges=false"}, check: func(c runtime.Config) bool { return !c.NoNewPrivileges }},
		{opts: []string{"no-new-privileges=yes"}, err: "no-new-privileges=false"},
		{opts: []string{"seccomp=unconfined"}, check: func(c runtime.Config) bool { return c.Seccomp.Unconfined }},
		{opts: []string{"seccomp:unconfined"}, check: func(c runtime.Config) bool { return c.Seccomp.Unconfined }},
		{opts: []string{"mask=/a:/b/c", "mask=/d"}, check: func(c runtime.Config) bool { return strings.Join(c.Mask, " ") == "/a /b/c /d" }},
		{opts: []string{"mask=/a/../b"}, err: "not a clean absolute path"},
		{opts: []string{"mask=ALL"}, err: "not a clean absolute path"},
		{opts: []string{"mask="}, err: "not a clean absolute path"},
		{opts: []string{"unmask=ALL"}, check: func(c runtime.Config) bool { return strings.Join(c.Unmask, " ") == "ALL" }},
		{opts: []string{"unmask=/proc/*:/sys/firmware"}, check: func(c runtime.Config) bool { return strings.Join(c.Unmask, " ") == "/proc/* /sys/firmware" }},
		{opts: []string{"unmask=/proc/[x"}, err: "pattern"},
		{opts: []string{"label=disable", "label=type:x_t"}, check: func(c runtime.Config) bool { return strings.Join(c.SecurityLabels, " ") == "disable type:x_t" }},
		{opts: []string{"label=disable"}, selinux: true, check: func(c runtime.Config) bool { return len(c.SecurityLabels) == 1 }},
		{opts: []string{"label=type:x_t"}, selinux: true, err: "only label=disable"},
		{opts: []string{"label="}, err: "empty label"},
		{opts: []string{"apparmor=unconfined"}, check: func(c runtime.Config) bool { return c.AppArmor == "unconfined" }},
		{opts: []string{"apparmor=docker-default"}, err: "AppArmor"},
		{opts: []string{"bogus=1"}, err: "unsupported"},
		{opts: []string{"label"}, err: "unsupported"},
	} {
		selinuxEnabled = noSELinux
		if tc.selinux {
			selinuxEnabled = func() bool { return true }
		}
		var cfg runtime.Config
		err := securityOpts(&cfg, tc.opts)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one with %q", tc.opts, err, tc.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.opts, err)
		case !tc.check(cfg):
			t.Errorf("%q: wrong config %+v", tc.opts, cfg.Isolation)
		}
	}
	selinuxEnabled = noSELinux
}
