package netns

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"testing"
)

// hexNative writes an IPv4 address the way /proc/net/route does: its
// network-order bytes read as a number in the host's byte order.
func hexNative(ip string) string {
	return fmt.Sprintf("%08X", binary.NativeEndian.Uint32(net.ParseIP(ip).To4()))
}

func TestParseRoutes4(t *testing.T) {
	table := "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
		fmt.Sprintf("eth0\t00000000\t%s\t0003\t0\t0\t0\t00000000\t0\t0\t0\n", hexNative("192.0.2.1")) +
		fmt.Sprintf("eth0\t%s\t00000000\t0001\t0\t0\t0\t%s\t0\t0\t0\n", hexNative("192.0.2.0"), hexNative("255.255.255.0")) +
		fmt.Sprintf("wg0\t%s\t00000000\t0001\t0\t0\t0\t%s\t0\t0\t0\n", hexNative("10.8.0.0"), hexNative("255.255.0.0"))
	rs, err := ParseRoutes4(strings.NewReader(table))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.Net.String()+" "+r.Iface)
	}
	if strings.Join(got, ", ") != "192.0.2.0/24 eth0, 10.8.0.0/16 wg0" {
		t.Fatalf("routes: %q", got)
	}
	if _, err := ParseRoutes4(strings.NewReader("Iface\tDestination\neth0 zz 0 0 0 0 0 00000000\n")); err == nil {
		t.Fatal("a bad destination was accepted")
	}
}

func TestParseRoutes6(t *testing.T) {
	table := "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n" +
		"00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n" +
		"00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n"
	rs, err := ParseRoutes6(strings.NewReader(table))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Net.String() != "fd00::/64" || rs[0].Iface != "eth0" || rs[1].Net.String() != "::1/128" {
		t.Fatalf("routes: %v", rs)
	}
	if _, err := ParseRoutes6(strings.NewReader("xyz 40 0 0 0 0 0 0 0 eth0\n")); err == nil {
		t.Fatal("a bad destination was accepted")
	}
}

func TestChooseSubnetRefuses(t *testing.T) {
	_, hostNet, _ := net.ParseCIDR("192.0.2.0/24")
	routes := []Route{{Net: hostNet, Iface: "eth0"}}
	existing := []Network{{Name: "front", Subnet: "10.90.0.0/24"}}
	for subnet, want := range map[string]string{
		"127.0.0.0/24":   "loopback",
		"127.5.0.0/16":   "loopback",
		"0.0.0.0/0":      "this network",
		"224.0.0.0/24":   "multicast",
		"169.254.1.0/24": "link-local",
		"192.0.2.128/25": `the host's route to 192.0.2.0/24 (eth0)`,
		"192.0.0.0/16":   `the host's route to 192.0.2.0/24 (eth0)`,
		"10.90.0.64/26":  `network "front"`,
		"10.0.0.0/30":    "",
		"10.0.0.0/31":    "too small",
		"fd00::/64":      "IPv4 CIDR",
	} {
		_, _, err := chooseSubnet(NetworkOptions{Subnet: subnet}, existing, routes)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", subnet, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: %v, want %q", subnet, err, want)
		}
	}
	for _, gw := range []string{"10.1.0.0", "10.1.0.255"} {
		if _, _, err := chooseSubnet(NetworkOptions{Subnet: "10.1.0.0/24", Gateway: gw}, nil, nil); err == nil {
			t.Errorf("gateway %s accepted", gw)
		}
	}
}
