package ctropts

import (
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

func TestParseSecret(t *testing.T) {
	for v, want := range map[string]runtime.SecretRef{
		"s":                                     {Name: "s", Target: "/run/secrets/s", Mode: 0o444},
		"s,target=k":                            {Name: "s", Target: "/run/secrets/k", Mode: 0o444},
		"s,target=/etc/k,uid=5,gid=6,mode=0400": {Name: "s", Target: "/etc/k", UID: 5, GID: 6, Mode: 0o400},
		"s,type=env":                            {Name: "s", Env: true, Target: "s"},
		"s,type=env,target=KEY":                 {Name: "s", Env: true, Target: "KEY"},
		"source=s,type=mount":                   {Name: "s", Target: "/run/secrets/s", Mode: 0o444},
	} {
		got, err := ParseSecret(v)
		if err != nil || got != want {
			t.Errorf("ParseSecret(%q) = %+v, %v; want %+v", v, got, err, want)
		}
	}
	for _, v := range []string{"", "bad/name", "s,type=file", "s,type=env,uid=1", "s,mode=9", "s,mode=17777", "s,uid=-1", "s,foo=bar", "s,target", "s,type=env,target=A=B", "s,target=/"} {
		if _, err := ParseSecret(v); err == nil {
			t.Errorf("ParseSecret(%q) took it", v)
		}
	}
}
