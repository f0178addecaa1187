package netns

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// pastaArgs builds pasta's command line for a namespace file.
//
//   - --config-net: pasta sets the address, routes and MTU (65520) itself,
//     copying the host's (so the container has the host's address).
//   - The gateway address maps to the host's loopback (pasta's default;
//     --no-map-gw turns it off): host.containers.internal.
//   - --dns-forward: queries to PastaDNS go to the host's resolver, even a
//     loopback one.
//   - -t/-u with explicit ports, "none" without: pasta's default "auto"
//     would publish whatever the container binds and rescan for it.
//   - -T/-U none: the container's loopback stays its own (pasta's default
//     would forward it to ports bound on the host's loopback).
//
// TCP to published ports goes through pasta's splice path (two sockets
// and a pipe, no copies through the tap device) when the client is on the
// host's loopback; from other hosts through the tap device.
func pastaArgs(nsPath, pidFile string, ports []PortMapping, opts []string, asRoot bool) []string {
	args := []string{"--config-net", "--quiet", "--netns", nsPath, "--pid", pidFile,
		"--dns-forward", PastaDNS}
	var tcp, udp []string
	for _, p := range ports {
		spec := pastaPortSpec(p)
		if p.Protocol == "udp" {
			udp = append(udp, "-u", spec)
		} else {
			tcp = append(tcp, "-t", spec)
		}
	}
	if !hasAnyOpt(opts, "-t", "--tcp-ports") {
		if tcp == nil {
			tcp = []string{"-t", "none"}
		}
		args = append(args, tcp...)
	}
	if !hasAnyOpt(opts, "-u", "--udp-ports") {
		if udp == nil {
			udp = []string{"-u", "none"}
		}
		args = append(args, udp...)
	}
	if !hasAnyOpt(opts, "-T", "--tcp-ns") {
		args = append(args, "-T", "none")
	}
	if !hasAnyOpt(opts, "-U", "--udp-ns") {
		args = append(args, "-U", "none")
	}
	if asRoot && !hasAnyOpt(opts, "--runas") {
		// As root pasta turns itself into nobody, who cannot open the
		// namespace file in husk's private run directory.
		args = append(args, "--runas", "0:0")
	}
	return append(args, opts...)
}

// realRoot reports whether husk runs as root in the initial user
// namespace (not as the user's root in a rootless namespace).
func realRoot() bool {
	if os.Geteuid() != 0 {
		return false
	}
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	return len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295"
}

// pastaPortSpec is pasta's [ADDR/]HOST[-END]:CTR[-END].
func pastaPortSpec(p PortMapping) string {
	s := portRange(p.HostPort, p.size()) + ":" + portRange(p.ContainerPort, p.size())
	if p.HostIP != "" && p.HostIP != "0.0.0.0" && p.HostIP != "::" {
		s = p.HostIP + "/" + s
	}
	return s
}

// hasAnyOpt reports whether the user's helper options set one of the
// names (as "-t X", "-tX", "--tcp-ports X" or "--tcp-ports=X").
func hasAnyOpt(opts []string, names ...string) bool {
	for _, o := range opts {
		for _, n := range names {
			if o == n || strings.HasPrefix(o, n+"=") || (len(n) == 2 && strings.HasPrefix(o, n) && !strings.HasPrefix(o, "--")) {
				return true
			}
		}
	}
	return false
}

// optValue returns the value of the last of names in opts.
func optValue(opts []string, names ...string) string {
	v := ""
	for i, o := range opts {
		for _, n := range names {
			switch {
			case o == n && i+1 < len(opts):
				v = opts[i+1]
			case strings.HasPrefix(o, n+"="):
				v = o[len(n)+1:]
			}
		}
	}
	return v
}

// slirpOptions are the slirp4netns:KEY=VALUE options husk understands.
type slirpOptions struct {
	allowHostLoopback bool
	enableIPv6        bool
	mtu               int
	// cidr is the network slirp4netns serves (cidr=; nil: its default,
	// 10.0.2.0/24).
	cidr *net.IPNet
}

// addrs are the container's address, the gateway (the host) and the DNS
// server of the network: as slirp4netns sets them, its address + 100, + 2
// and + 3.
func (o slirpOptions) addrs() (ip, gateway, dns string) {
	if o.cidr == nil {
		return SlirpIP, SlirpGateway, SlirpDNS
	}
	base := o.cidr.IP.To4()
	at := func(n byte) string { return net.IPv4(base[0], base[1], base[2], base[3]+n).String() }
	return at(100), at(2), at(3)
}

func parseSlirpOpts(opts []string) (slirpOptions, error) {
	o := slirpOptions{allowHostLoopback: true, mtu: 65520}
	for _, kv := range opts {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return o, fmt.Errorf("slirp4netns option %q: want KEY=VALUE", kv)
		}
		switch k {
		case "allow_host_loopback", "enable_ipv6":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return o, fmt.Errorf("slirp4netns option %q: want true or false", kv)
			}
			if k == "enable_ipv6" {
				o.enableIPv6 = b
			} else {
				o.allowHostLoopback = b
			}
		case "cidr":
			ip, n, err := net.ParseCIDR(v)
			if err != nil || ip.To4() == nil || !ip.Equal(n.IP) {
				return o, fmt.Errorf("slirp4netns option %q: want an IPv4 network address such as 10.0.3.0/24", kv)
			}
			if ones, _ := n.Mask.Size(); ones > 25 {
				return o, fmt.Errorf("slirp4netns option %q: the network needs at least 128 addresses (a prefix of /25 or shorter): slirp4netns gives the container its address + 100", kv)
			}
			o.cidr = n
		case "port_handler":
			switch v {
			case "slirp4netns":
			case "rootlesskit":
				return o, fmt.Errorf("slirp4netns option %q: husk forwards ports through slirp4netns itself; use port_handler=slirp4netns (or leave it out)", kv)
			default:
				return o, fmt.Errorf("slirp4netns option %q: want slirp4netns or rootlesskit", kv)
			}
		case "outbound_addr", "outbound_addr6":
			return o, fmt.Errorf("slirp4netns option %q is not supported by husk: leave it out (the host's default route is used)", kv)
		case "mtu":
			n, err := strconv.Atoi(v)
			if err != nil || n < 68 || n > 65521 {
				return o, fmt.Errorf("slirp4netns option %q: want an MTU from 68 to 65521", kv)
			}
			o.mtu = n
		default:
			return o, fmt.Errorf("unknown slirp4netns option %q: use allow_host_loopback, cidr, enable_ipv6, mtu or port_handler", k)
		}
	}
	return o, nil
}

// slirpArgs builds slirp4netns's command line. Its ready fd is 3.
// Unlike podman's default, the host's loopback is reachable as
// SlirpGateway (host.containers.internal) unless allow_host_loopback=false.
func slirpArgs(nsPath, apiSocket string, o slirpOptions) []string {
	args := []string{"--configure", "--mtu=" + strconv.Itoa(o.mtu), "--ready-fd=3",
		"--api-socket", apiSocket, "--netns-type=path"}
	if !o.allowHostLoopback {
		args = append(args, "--disable-host-loopback")
	}
	if o.enableIPv6 {
		args = append(args, "--enable-ipv6")
	}
	if o.cidr != nil {
		args = append(args, "--cidr="+o.cidr.String())
	}
	return append(args, nsPath, "tap0")
}
