package netns

import (
	"strings"
	"testing"
)

func TestNATRules(t *testing.T) {
	st := testState()
	st.Networks["n2"].Internal = true
	r := natRules(st)
	for _, want := range []string{
		"delete table ip husk",
		`ip saddr { 10.89.0.0/24 } oifname != "hk-*" masquerade`,
		`iifname "hk-bbb" oifname != "hk-bbb" drop`,
	} {
		if !strings.Contains(r, want) {
			t.Errorf("rules lack %q:\n%s", want, r)
		}
	}
}
