package netns

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// Addresses the helpers give the container.
const (
	// PastaDNS is where pasta answers DNS in the container (--dns-forward):
	// it relays queries to the host's first resolver, even a loopback one
	// (systemd-resolved's 127.0.0.53) the container could not reach.
	PastaDNS = "169.254.1.1"
	// slirp4netns's fixed addresses (its default 10.0.2.0/24).
	SlirpIP      = "10.0.2.100"
	SlirpGateway = "10.0.2.2" // the host's loopback, unless disallowed
	SlirpDNS     = "10.0.2.3"
)

// HostInternal is the name by which a container reaches the host.
const HostInternal = "host.containers.internal"

// Info is what a network mode gives the container, for /etc/hosts and
// /etc/resolv.conf. Attach fills it in; ModeInfo gives it for modes
// without a namespace of their own.
type Info struct {
	Mode string `json:"mode"` // the resolved mode: pasta, slirp4netns, none, host, container:NAME
	// IP is the container's address ("" for none).
	IP string `json:"ip,omitempty"`
	// HostAddr reaches the host's loopback and all-address listeners
	// from the container ("" when nothing does).
	HostAddr string `json:"hostAddr,omitempty"`
	// DNS are the resolvers that work from the container (nil: the
	// host's, as they are).
	DNS []string `json:"dns,omitempty"`
	// Search are domains to put before the host's search domains (a user
	// network's DNSDomain).
	Search []string `json:"search,omitempty"`
	// Networks are the container's interfaces on bridge networks (the
	// default one and user networks), in the order they were plugged.
	Networks []Endpoint `json:"networks,omitempty"`
}

// Endpoint is a container's interface on one bridge network.
type Endpoint struct {
	// Network is the network's name (DefaultNetworkName for the default).
	Network string `json:"network"`
	// Interface is its name in the container (eth0, eth1…).
	Interface string `json:"interface"`
	IP        string `json:"ip"`
	// Aliases are the container's further names there.
	Aliases []string `json:"aliases,omitempty"`
}

// ModeInfo gives the Info of none and host (modes Attach does not handle).
func ModeInfo(mode string) Info {
	switch mode {
	case ModeHost:
		return Info{Mode: ModeHost, HostAddr: "127.0.0.1"}
	}
	return Info{Mode: mode}
}

// ResolvConf returns the container's /etc/resolv.conf: the host's search
// domains and options with resolvers that work for the mode, then the
// user's --dns, --dns-search and --dns-option, which replace (servers,
// search) or extend (options) the host's.
func ResolvConf(cfg Config, info Info) []byte {
	host, _ := os.ReadFile("/etc/resolv.conf")
	return resolvConf(host, cfg, info)
}

func resolvConf(host []byte, cfg Config, info Info) []byte {
	var servers, search, options, other []string
	sc := bufio.NewScanner(bytes.NewReader(host))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		switch f[0] {
		case "nameserver":
			if len(f) > 1 {
				servers = append(servers, f[1])
			}
		case "search", "domain":
			search = f[1:] // the last one wins, as in the resolver
		case "options":
			options = append(options, f[1:]...)
		default:
			other = append(other, line)
		}
	}
	switch info.Mode {
	case ModeHost:
	case ModeNone:
		servers = nil
	default:
		if info.DNS != nil {
			servers = info.DNS
		} else {
			servers = withoutLoopback(servers)
		}
	}
	if len(cfg.DNS) > 0 {
		servers = cfg.DNS
	}
	if len(info.Search) > 0 {
		search = append(append([]string(nil), info.Search...), search...)
	}
	if len(cfg.DNSSearch) > 0 {
		search = nil
		if !(len(cfg.DNSSearch) == 1 && cfg.DNSSearch[0] == ".") {
			search = cfg.DNSSearch
		}
	}
	options = append(options, cfg.DNSOptions...)
	var b bytes.Buffer
	if len(search) > 0 {
		fmt.Fprintf(&b, "search %s\n", strings.Join(search, " "))
	}
	for _, s := range servers {
		fmt.Fprintf(&b, "nameserver %s\n", s)
	}
	if len(options) > 0 {
		fmt.Fprintf(&b, "options %s\n", strings.Join(dedupe(options), " "))
	}
	for _, o := range other {
		b.WriteString(o + "\n")
	}
	return b.Bytes()
}

func withoutLoopback(servers []string) []string {
	var out []string
	for _, s := range servers {
		if ip := net.ParseIP(s); ip != nil && ip.IsLoopback() {
			continue
		}
		out = append(out, s)
	}
	return out
}

// dedupe keeps the last of options with the same name (ndots:1 then
// ndots:5 → ndots:5), in first-seen order.
func dedupe(opts []string) []string {
	last := map[string]string{}
	var order []string
	for _, o := range opts {
		name, _, _ := strings.Cut(o, ":")
		if _, ok := last[name]; !ok {
			order = append(order, name)
		}
		last[name] = o
	}
	out := make([]string, 0, len(order))
	for _, n := range order {
		out = append(out, last[n])
	}
	return out
}

// Hosts returns the container's /etc/hosts: localhost, the container's
// host name on its address (and on its address on each further bridge
// network), host.containers.internal (and docker's
// host.docker.internal) on the address that reaches the host, then
// --add-host entries.
func Hosts(cfg Config, hostname string, info Info) []byte {
	var b bytes.Buffer
	b.WriteString("127.0.0.1\tlocalhost localhost.localdomain\n")
	b.WriteString("::1\tlocalhost localhost.localdomain ip6-localhost ip6-loopback\n")
	ip := info.IP
	if ip == "" {
		ip = "127.0.1.1"
	}
	if hostname != "" {
		names := hostname
		if short, _, _ := strings.Cut(hostname, "."); short != hostname {
			names += " " + short
		}
		fmt.Fprintf(&b, "%s\t%s\n", ip, names)
		// The address on each further network too, as podman lists it.
		for _, ep := range info.Networks {
			if ep.IP != "" && ep.IP != ip {
				fmt.Fprintf(&b, "%s\t%s\n", ep.IP, names)
			}
		}
	}
	if info.HostAddr != "" {
		fmt.Fprintf(&b, "%s\t%s host.docker.internal\n", info.HostAddr, HostInternal)
	}
	for _, h := range cfg.AddHosts {
		name, addr, err := ParseAddHost(h)
		if err != nil {
			continue // validated by the caller
		}
		if addr == "host-gateway" {
			if info.HostAddr == "" {
				continue
			}
			addr = info.HostAddr
		}
		fmt.Fprintf(&b, "%s\t%s\n", addr, name)
	}
	return b.Bytes()
}

// ParseAddHost splits --add-host NAME:IP (also NAME=IP; IP may be an IPv6
// address, or host-gateway for the address that reaches the host).
func ParseAddHost(s string) (name, addr string, err error) {
	i := strings.IndexAny(s, ":=")
	if i <= 0 || i == len(s)-1 {
		return "", "", setting.Errorf("{add-host} %q: want NAME:IP", s)
	}
	name, addr = s[:i], strings.Trim(s[i+1:], "[]")
	if addr != "host-gateway" && net.ParseIP(addr) == nil {
		return "", "", setting.Errorf("{add-host} %q: invalid address %q", s, addr)
	}
	if !validHostsName(name) {
		return "", "", setting.Errorf("{add-host} %q: invalid host name %q: use letters, digits, '-', '_' and '.'", s, name)
	}
	return name, addr, nil
}

// validHostsName reports whether name can be a name in /etc/hosts: no
// white space or newline (which would add entries), at most 253 bytes.
func validHostsName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && (r == '-' || r == '_' || r == '.'))
		if !ok {
			return false
		}
	}
	return true
}
