package netns

import (
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func testState() *userState {
	return &userState{Networks: map[string]*netState{
		"n1": {ID: "aaa", Subnet: "10.89.0.0/24", Gateway: "10.89.0.1", Bridge: "hk-aaa", Members: map[string]*member{
			"1111111111111111aaaa": {Name: "web", IP: "10.89.0.2"},
			"2222222222222222bbbb": {Name: "db", IP: "10.89.0.3", Aliases: []string{"Database"}},
		}},
		"n2": {ID: "bbb", Subnet: "10.89.1.0/24", Gateway: "10.89.1.1", Bridge: "hk-bbb", Members: map[string]*member{
			"3333333333333333cccc": {Name: "web", IP: "10.89.1.2"},
		}},
	}}
}

func TestAllocIP(t *testing.T) {
	ns := &netState{Subnet: "10.89.0.0/29", Gateway: "10.89.0.1", Members: map[string]*member{}}
	var got []string
	for i := 0; i < 5; i++ {
		ip, err := ns.allocIP()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ip.String())
		ns.Members[ip.String()] = &member{IP: ip.String()}
	}
	want := []string{"10.89.0.2", "10.89.0.3", "10.89.0.4", "10.89.0.5", "10.89.0.6"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
	if _, err := ns.allocIP(); err == nil || !strings.Contains(err.Error(), "no free address") {
		t.Fatalf("full subnet: %v", err)
	}
	// A released address is given again.
	delete(ns.Members, "10.89.0.3")
	if ip, _ := ns.allocIP(); ip.String() != "10.89.0.3" {
		t.Fatalf("after release: %v", ip)
	}
	// A gateway elsewhere in the subnet is skipped.
	ns = &netState{Subnet: "10.90.0.0/24", Gateway: "10.90.0.2", Members: map[string]*member{"x": {IP: "10.90.0.1"}}}
	if ip, _ := ns.allocIP(); ip.String() != "10.90.0.3" {
		t.Fatalf("custom gateway: %v", ip)
	}
}

func TestAllocIPRoundRobin(t *testing.T) {
	ns := &netState{Subnet: "10.89.0.0/29", Gateway: "10.89.0.1", Members: map[string]*member{}}
	var got []string
	for i := 0; i < 7; i++ {
		ip, err := ns.allocIP()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ip.String())
		// Each container goes before the next comes: the freed address
		// is not the next one given.
		ns.Last = ip.String()
	}
	want := []string{"10.89.0.2", "10.89.0.3", "10.89.0.4", "10.89.0.5", "10.89.0.6", "10.89.0.2", "10.89.0.3"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
	// Taken addresses after the last are skipped, and the search wraps.
	ns.Last = "10.89.0.5"
	ns.Members["a"] = &member{IP: "10.89.0.6"}
	ns.Members["b"] = &member{IP: "10.89.0.2"}
	if ip, _ := ns.allocIP(); ip.String() != "10.89.0.3" {
		t.Fatalf("wrap: %v", ip)
	}
	// A last address outside the subnet (a redefined network) starts over.
	ns.Last = "192.0.2.9"
	if ip, _ := ns.allocIP(); ip.String() != "10.89.0.3" {
		t.Fatalf("foreign last: %v", ip)
	}
}

func TestDefaultNetworkAvoidsHostRoutes(t *testing.T) {
	route := func(s string) Route {
		_, n, _ := net.ParseCIDR(s)
		return Route{Net: n, Iface: "eth0"}
	}
	if n := defaultNetwork(nil); n.Subnet != "10.88.0.0/16" || n.Gateway != "10.88.0.1" || n.Name != "podman" || n.DNS {
		t.Fatalf("default: %+v", n)
	}
	n := defaultNetwork([]Route{route("10.88.5.0/24"), route("10.90.0.0/16")})
	if n.Subnet != "10.91.0.0/16" || n.Gateway != "10.91.0.1" {
		t.Fatalf("with 10.88 and 10.90 used (10.89 is for user networks): %+v", n)
	}
}

func TestStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "usernet.json")
	st, err := readUserState(path)
	if err != nil || st.members() != 0 {
		t.Fatalf("missing file: %+v %v", st, err)
	}
	if err := testState().write(path); err != nil {
		t.Fatal(err)
	}
	st, err = readUserState(path)
	if err != nil || st.members() != 3 {
		t.Fatalf("%+v %v", st, err)
	}
	if n, m := st.find("2222222222222222bbbb"); n != "n1" || m.Name != "db" {
		t.Fatalf("find: %q %+v", n, m)
	}
}

func TestLookup(t *testing.T) {
	st := testState()
	on1, on2, outside := net.ParseIP("10.89.0.3"), net.ParseIP("10.89.1.9"), net.ParseIP("192.0.2.1")
	for _, tt := range []struct {
		src  net.IP
		name string
		want string
	}{
		{on1, "web.", "10.89.0.2"},
		{on1, "WEB.dns.husk.", "10.89.0.2"},
		{on1, "db", "10.89.0.3"},
		{on1, "111111111111", "10.89.0.2"},         // short ID
		{on1, "1111111111111111aaaa", "10.89.0.2"}, // full ID
		{on1, "11111111", ""},                      // other prefixes are not names
		{on2, "web", "10.89.1.2"},                  // each network sees its own
		{on2, "db", ""},
		{outside, "web", ""},
		{on1, "example.com.", ""},
		{on1, "database.", "10.89.0.3"}, // an alias (--network-alias), case-insensitive
		{on1, "database.dns.husk", "10.89.0.3"},
		{on2, "database", ""}, // on its own network only
	} {
		ips := st.lookup(tt.src, tt.name)
		got := ""
		if len(ips) > 0 {
			got = ips[0].String()
		}
		if got != tt.want {
			t.Errorf("%v asks %q: %q, want %q", tt.src, tt.name, got, tt.want)
		}
	}
}
