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

func TestVethNames(t *testing.T) {
	id := "0123456789abcdef0123"
	for _, tt := range []struct{ iface, host, peer string }{
		{"eth0", "hv0123456789abc", "hc0123456789abc"},
		{"eth1", "hv0123456789an1", "hc0123456789an1"},
		{"eth35", "hv0123456789anz", "hc0123456789anz"},
	} {
		h, p, err := vethNames(id, tt.iface)
		if err != nil || h != tt.host || p != tt.peer || len(h) > 15 {
			t.Errorf("%s: %q %q %v", tt.iface, h, p, err)
		}
	}
	for _, bad := range []string{"eth36", "wlan0", "eth-1"} {
		if _, _, err := vethNames(id, bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestBridgeMAC(t *testing.T) {
	mac := bridgeMAC(Network{ID: "b910ba8ba69012f2768ba62223cd90896018a38699b572d2801fcf9b5bba5e24"})
	if mac.String() != "02:b9:10:ba:8b:a6" {
		t.Fatalf("%v", mac)
	}
	// Locally administered, unicast.
	if mac[0]&2 == 0 || mac[0]&1 != 0 {
		t.Fatalf("%v", mac)
	}
}
