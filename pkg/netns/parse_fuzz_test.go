package netns

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzParsePublish(f *testing.F) {
	for _, s := range []string{"80", "8080:80", "127.0.0.1:8080:80/udp", "[::1]:8080:80", "8000-8010:80-90/tcp,udp", ":80", "0:80", "65535:1-65535", "1-2:3", "[::1]80", "a:b:c:d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := ParsePublish(s)
		if err != nil {
			return
		}
		for _, m := range ms {
			n := m.size()
			if m.Protocol != "tcp" && m.Protocol != "udp" || m.ContainerPort == 0 || n < 1 ||
				int(m.ContainerPort)+n-1 > 65535 || (m.HostPort != 0 && int(m.HostPort)+n-1 > 65535) {
				t.Fatalf("%q: mapping %+v accepted", s, m)
			}
			if m.HostPort == 0 {
				continue
			}
			// What ports and ps print parses back to the same mapping.
			back, err := ParsePublish(m.String())
			if err != nil || len(back) != 1 || back[0] != m {
				t.Fatalf("%q: %+v prints as %q, which reads back as %+v, %v", s, m, m.String(), back, err)
			}
		}
	})
}

func FuzzParseAddHost(f *testing.F) {
	for _, s := range []string{"db:10.0.0.2", "db=10.0.0.2", "v6:[::1]", "gw:host-gateway", "a b:1.2.3.4", "a\nb:1.2.3.4", ":1.2.3.4", "x:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, addr, err := ParseAddHost(s)
		if err != nil {
			return
		}
		// An accepted entry is one line of /etc/hosts.
		hosts := Hosts(Config{AddHosts: []string{s}}, "", Info{HostAddr: "10.0.2.2"})
		base := Hosts(Config{}, "", Info{HostAddr: "10.0.2.2"})
		if bytes.Count(hosts, []byte("\n")) != bytes.Count(base, []byte("\n"))+1 {
			t.Fatalf("%q (name %q, address %q) is not one line of /etc/hosts:\n%s", s, name, addr, hosts)
		}
	})
}

func FuzzParseNetworkFlag(f *testing.F) {
	for _, s := range []string{"", "private", "host", "none", "pasta:-T,8080", "slirp4netns:allow_host_loopback=true,cidr=10.5.0.0/24", "container:web", "mynet", "ns:/proc/1/ns/net", "slirp4netns:", "bridge:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		mode, _, err := ParseNetworkFlag(s)
		if err != nil {
			return
		}
		if mode == "" {
			t.Fatalf("%q: empty mode", s)
		}
	})
}

// FuzzParseRoutes reads the same bytes as /proc/net/route and
// /proc/net/ipv6_route.
func FuzzParseRoutes(f *testing.F) {
	f.Add("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n")
	f.Add("fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n")
	f.Add("x 80 0 0 0 0 0 0 0 lo\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(*strings.Reader) ([]Route, error){
			func(r *strings.Reader) ([]Route, error) { return ParseRoutes4(r) },
			func(r *strings.Reader) ([]Route, error) { return ParseRoutes6(r) },
		} {
			rs, err := parse(strings.NewReader(s))
			if err != nil {
				continue
			}
			for _, r := range rs {
				if r.Net == nil || len(r.Net.IP) != len(r.Net.Mask) {
					t.Fatalf("%q: route %+v", s, r)
				}
				if ones, _ := r.Net.Mask.Size(); ones == 0 {
					t.Fatalf("%q: a default route %v was kept", s, r.Net)
				}
			}
		}
	})
}
