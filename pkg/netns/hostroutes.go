package netns

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// Route is one of the host's routes: a destination network and the
// interface it goes through.
type Route struct {
	Net   *net.IPNet
	Iface string
}

// ParseRoutes4 reads /proc/net/route: Iface, Destination, Gateway, Flags,
// RefCnt, Use, Metric, Mask, ... with Destination and Mask in hex, in the
// host's byte order. The default route (mask 0) is left out.
func ParseRoutes4(r io.Reader) ([]Route, error) {
	var out []Route
	sc := bufio.NewScanner(r)
	first := true
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if first {
			first = false
			if len(f) > 0 && f[0] == "Iface" {
				continue
			}
		}
		if len(f) < 8 {
			continue
		}
		dst, err1 := strconv.ParseUint(f[1], 16, 32)
		mask, err2 := strconv.ParseUint(f[7], 16, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("route line %q: bad destination or mask", sc.Text())
		}
		if mask == 0 {
			continue
		}
		ip, m := make(net.IP, 4), make(net.IPMask, 4)
		binary.NativeEndian.PutUint32(ip, uint32(dst))
		binary.NativeEndian.PutUint32(m, uint32(mask))
		if _, bits := m.Size(); bits == 0 {
			return nil, fmt.Errorf("route line %q: mask %s is not a prefix", sc.Text(), net.IP(m))
		}
		out = append(out, Route{Net: &net.IPNet{IP: ip.Mask(m), Mask: m}, Iface: f[0]})
	}
	return out, sc.Err()
}

// ParseRoutes6 reads /proc/net/ipv6_route: destination (32 hex digits),
// prefix length (hex), source, source prefix, next hop, metric, refcnt,
// use, flags, interface. Default routes (prefix 0) are left out.
func ParseRoutes6(r io.Reader) ([]Route, error) {
	var out []Route
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 {
			continue
		}
		dst, err1 := hex.DecodeString(f[0])
		plen, err2 := strconv.ParseUint(f[1], 16, 8)
		if err1 != nil || err2 != nil || len(dst) != net.IPv6len || plen > 128 {
			return nil, fmt.Errorf("IPv6 route line %q: bad destination or prefix", sc.Text())
		}
		if plen == 0 {
			continue
		}
		m := net.CIDRMask(int(plen), 128)
		out = append(out, Route{Net: &net.IPNet{IP: net.IP(dst).Mask(m), Mask: m}, Iface: f[9]})
	}
	return out, sc.Err()
}

// hostRoutes lists the host's routes (IPv4 and IPv6, without default
// routes) and the networks of its interfaces' addresses.
func hostRoutes() []Route {
	var out []Route
	for _, src := range []struct {
		path  string
		parse func(io.Reader) ([]Route, error)
	}{{"/proc/net/route", ParseRoutes4}, {"/proc/net/ipv6_route", ParseRoutes6}} {
		f, err := os.Open(src.path)
		if err != nil {
			continue
		}
		rs, err := src.parse(io.LimitReader(f, 16<<20))
		f.Close()
		if err == nil {
			out = append(out, rs...)
		}
	}
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
				out = append(out, Route{Net: &net.IPNet{IP: n.IP.Mask(n.Mask), Mask: n.Mask}, Iface: ifc.Name})
			}
		}
	}
	return out
}

// reservedNets are IPv4 ranges a container network cannot use.
var reservedNets = []struct {
	cidr, what string
}{
	{"0.0.0.0/8", "\"this network\" (0.0.0.0/8)"},
	{"127.0.0.0/8", "loopback (127.0.0.0/8)"},
	{"169.254.0.0/16", "link-local (169.254.0.0/16)"},
	{"224.0.0.0/4", "multicast (224.0.0.0/4)"},
	{"240.0.0.0/4", "reserved (240.0.0.0/4)"},
}

// checkSubnet refuses a requested subnet that overlaps a reserved range,
// another network or a host route: containers on it could not reach (or
// would shadow) those addresses.
func checkSubnet(given string, sn *net.IPNet, taken []Network, routes []Route) error {
	for _, r := range reservedNets {
		_, n, _ := net.ParseCIDR(r.cidr)
		if overlaps(sn, n) {
			return setting.Errorf("{subnet} %q overlaps %s: choose a private range such as 10.90.0.0/24", given, r.what)
		}
	}
	for _, t := range taken {
		if _, n, err := net.ParseCIDR(t.Subnet); err == nil && overlaps(sn, n) {
			return setting.Errorf("{subnet} %q overlaps network %q (%s): choose another subnet", given, t.Name, n)
		}
	}
	for _, r := range routes {
		if overlaps(sn, r.Net) {
			return setting.Errorf("{subnet} %q overlaps the host's route to %s (%s): choose a subnet the host does not use", given, r.Net, r.Iface)
		}
	}
	return nil
}
