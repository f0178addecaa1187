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

// The default network's bridge keeps the "hk-" prefix that the NAT rule's
// oifname != "hk-*" relies on.
func TestDefaultBridgeName(t *testing.T) {
	if b := bridgeName(DefaultNetwork()); b != "hk-2f259bab93aa" {
		t.Fatalf("bridge %q", b)
	}
}

// A rootless namespace recorded under another user namespace than this
// process's is stale (rebuilt); an old state without the inode is not.
func TestStaleUserNS(t *testing.T) {
	cur := currentUserNS()
	if cur == 0 {
		t.Skip("no /proc/self/ns/user")
	}
	for _, c := range []struct {
		ino   uint64
		stale bool
	}{{cur, false}, {0, false}, {cur + 1, true}} {
		if got := (&userState{UserNS: c.ino}).staleUserNS(); got != c.stale {
			t.Errorf("recorded %d (current %d): stale %v", c.ino, cur, got)
		}
	}
}
