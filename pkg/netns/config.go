package netns

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// Network modes. A user network's name is any other mode that is not
// "container:NAME".
const (
	ModeNone    = "none"
	ModeHost    = "host"
	ModePrivate = "private" // a private namespace served by pasta, else slirp4netns
	ModePasta   = "pasta"
	ModeSlirp   = "slirp4netns"
	// ContainerPrefix starts "container:NAME": join another container's
	// network namespace.
	ContainerPrefix = "container:"
)

// Config is the user's network request, stored with the container.
type Config struct {
	// Mode is one of the Mode constants or container:NAME. "" means
	// ModePrivate.
	Mode string `json:"mode,omitempty"`
	// HelperOpts are the options after "pasta:" or "slirp4netns:".
	HelperOpts []string      `json:"helperOpts,omitempty"`
	Ports      []PortMapping `json:"ports,omitempty"`
	// PublishAll (-P) asks for every port the image exposes; the caller
	// expands it with ExposedToPorts.
	PublishAll bool     `json:"publishAll,omitempty"`
	DNS        []string `json:"dns,omitempty"`
	DNSSearch  []string `json:"dnsSearch,omitempty"`
	DNSOptions []string `json:"dnsOptions,omitempty"`
	// AddHosts are "NAME:IP" entries for /etc/hosts.
	AddHosts []string `json:"addHosts,omitempty"`
	// Aliases are more names the container resolves by on its user
	// network.
	Aliases []string `json:"aliases,omitempty"`
	// cgroup is where the helper is born (startIn): set for the per-user
	// network's, which is no command's.
	cgroup string
}

// PortMapping publishes Range ports from HostIP:HostPort to
// ContainerPort. A HostPort of 0 asks for a free port (AssignHostPorts).
type PortMapping struct {
	HostIP        string `json:"hostIP,omitempty"`
	HostPort      uint16 `json:"hostPort"`
	ContainerPort uint16 `json:"containerPort"`
	// Range is the number of consecutive ports (1 for a single port).
	Range    uint16 `json:"range,omitempty"`
	Protocol string `json:"protocol"` // "tcp" or "udp"
}

func (p PortMapping) size() int {
	if p.Range == 0 {
		return 1
	}
	return int(p.Range)
}

// String is the -p form of the mapping.
func (p PortMapping) String() string {
	var b strings.Builder
	if p.HostIP != "" {
		if strings.Contains(p.HostIP, ":") {
			b.WriteString("[" + p.HostIP + "]:")
		} else {
			b.WriteString(p.HostIP + ":")
		}
	}
	b.WriteString(portRange(p.HostPort, p.size()) + ":" + portRange(p.ContainerPort, p.size()))
	b.WriteString("/" + p.Protocol)
	return b.String()
}

func portRange(first uint16, n int) string {
	if n <= 1 {
		return strconv.Itoa(int(first))
	}
	return fmt.Sprintf("%d-%d", first, int(first)+n-1)
}

// UsesNamespace reports whether the mode needs a network namespace of its
// own, set up by Attach.
func (c Config) UsesNamespace() bool {
	switch c.Mode {
	case "", ModePrivate, ModePasta, ModeSlirp:
		return true
	}
	return false
}

// ErrUnsupportedMode is returned for modes husk does not run.
var ErrUnsupportedMode = errors.New("unsupported network mode")

// IsUserNetwork reports whether mode names a user-defined network (any
// valid network name that is not a built-in mode). Whether the network
// exists is the caller's check (Networks.Get).
func IsUserNetwork(mode string) bool {
	switch mode {
	case "", ModeNone, ModeHost, ModePrivate, ModePasta, ModeSlirp, "bridge":
		return false
	}
	return !strings.Contains(mode, ":") && networkName.MatchString(mode)
}

// OwnNamespace reports whether the container gets a network namespace of
// husk's making (a private one, or one on a user network), bound under
// the network run directory.
func (c Config) OwnNamespace() bool { return c.UsesNamespace() || IsUserNetwork(c.Mode) }

// ParseNetworkFlag splits --network's value into a mode and the helper's
// options: "pasta:-T,none" gives ("pasta", ["-T", "none"]),
// "slirp4netns:allow_host_loopback=false" gives ("slirp4netns",
// ["allow_host_loopback=false"]).
func ParseNetworkFlag(s string) (mode string, opts []string, err error) {
	name, rest, hasOpts := strings.Cut(s, ":")
	switch name {
	case "", "private", "bridge", DefaultNetworkName:
		// bridge is what docker users type, and podman names its default
		// network: all of them mean the default network.
		if hasOpts {
			return "", nil, setting.Errorf("{network} %q: %s takes no options", s, name)
		}
		return ModePrivate, nil, nil
	case ModeNone, ModeHost:
		if hasOpts {
			return "", nil, setting.Errorf("{network} %q: %s takes no options", s, name)
		}
		return name, nil, nil
	case "container":
		if rest == "" {
			return "", nil, setting.Errorf("{network} %q: name the container: container:NAME", s)
		}
		return s, nil, nil
	case ModePasta, ModeSlirp:
		if hasOpts {
			if rest == "" {
				return "", nil, setting.Errorf("{network} %q: empty option list", s)
			}
			opts = strings.Split(rest, ",")
		}
		if name == ModeSlirp {
			if _, err := parseSlirpOpts(opts); err != nil {
				return "", nil, setting.Errorf("{network} %q: %w", s, err)
			}
		}
		return name, opts, nil
	case "ns":
		return "", nil, setting.Errorf("{network} %q: joining a namespace by path is not supported; use container:NAME", s)
	}
	if hasOpts || !IsUserNetwork(name) {
		return "", nil, setting.Errorf("{network} %q: %w: use private, pasta, slirp4netns, none, host, container:NAME or a network from husk network create", s, ErrUnsupportedMode)
	}
	// A user network's name: the caller checks that it exists.
	return name, nil, nil
}

// ParsePublish parses one -p value:
// [[HOSTIP:][HOSTPORT[-END]]:]CTRPORT[-END][/tcp|/udp]. A container port
// alone, or an empty host port, asks for a free host port. IPv6 host
// addresses go in brackets: [::1]:8080:80.
func ParsePublish(spec string) ([]PortMapping, error) {
	bad := func(why string) error { return fmt.Errorf("-p %q: %s", spec, why) }
	s, proto, hasProto := strings.Cut(spec, "/")
	if !hasProto {
		proto = "tcp"
	}
	protos := strings.Split(proto, ",")
	for _, p := range protos {
		if p != "tcp" && p != "udp" {
			return nil, bad(fmt.Sprintf("unknown protocol %q: use tcp or udp", p))
		}
	}
	var hostIP, hostPart, ctrPart string
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]:")
		if end < 0 {
			return nil, bad("an IPv6 address in brackets must be followed by :HOSTPORT:CTRPORT")
		}
		hostIP = s[1:end]
		rest := s[end+2:]
		var ok bool
		if hostPart, ctrPart, ok = strings.Cut(rest, ":"); !ok {
			return nil, bad("want [IP]:HOSTPORT:CTRPORT")
		}
	} else {
		parts := strings.Split(s, ":")
		switch len(parts) {
		case 1:
			ctrPart = parts[0]
		case 2:
			hostPart, ctrPart = parts[0], parts[1]
		case 3:
			hostIP, hostPart, ctrPart = parts[0], parts[1], parts[2]
		default:
			return nil, bad("want [HOSTIP:]HOSTPORT:CTRPORT[/PROTO] (IPv6 addresses in brackets)")
		}
	}
	if hostIP != "" {
		ip := net.ParseIP(hostIP)
		if ip == nil {
			return nil, bad(fmt.Sprintf("invalid host address %q", hostIP))
		}
		hostIP = ip.String()
	}
	cFirst, cN, err := parsePortRange(ctrPart)
	if err != nil {
		return nil, bad("container port: " + err.Error())
	}
	var hFirst uint16
	if hostPart != "" {
		var hN int
		hFirst, hN, err = parsePortRange(hostPart)
		if err != nil {
			return nil, bad("host port: " + err.Error())
		}
		if hN != cN {
			if cN == 1 && hN > 1 {
				return nil, bad("a host port range needs a container range of the same size")
			}
			return nil, bad(fmt.Sprintf("host range has %d ports, container range %d", hN, cN))
		}
	}
	var out []PortMapping
	for _, p := range protos {
		out = append(out, PortMapping{HostIP: hostIP, HostPort: hFirst, ContainerPort: cFirst, Range: uint16(cN), Protocol: p})
	}
	return out, nil
}

func parsePortRange(s string) (uint16, int, error) {
	a, b, isRange := strings.Cut(s, "-")
	first, err := parsePort(a)
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		return first, 1, nil
	}
	last, err := parsePort(b)
	if err != nil {
		return 0, 0, err
	}
	if last < first {
		return 0, 0, fmt.Errorf("range %q ends before it starts", s)
	}
	return first, int(last-first) + 1, nil
}

func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("invalid port %q: want 1-65535", s)
	}
	return uint16(n), nil
}

// ExposedToPorts turns an image's ExposedPorts ("80/tcp", "53/udp",
// "8000-8010/tcp") into mappings for -P, each on a free host port.
func ExposedToPorts(exposed map[string]struct{}) ([]PortMapping, error) {
	keys := make([]string, 0, len(exposed))
	for k := range exposed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []PortMapping
	for _, k := range keys {
		port, proto, ok := strings.Cut(k, "/")
		if !ok {
			proto = "tcp"
		}
		if proto != "tcp" && proto != "udp" {
			continue // sctp: not published rootless
		}
		first, n, err := parsePortRange(port)
		if err != nil {
			return nil, fmt.Errorf("image exposes %q: %w", k, err)
		}
		for i := 0; i < n; i++ {
			out = append(out, PortMapping{ContainerPort: first + uint16(i), Range: 1, Protocol: proto})
		}
	}
	return AssignHostPorts(out)
}

// MergePorts adds the -P mappings to the explicit ones, skipping container
// ports the user already published.
func MergePorts(explicit, all []PortMapping) []PortMapping {
	out := append([]PortMapping(nil), explicit...)
	for _, a := range all {
		taken := false
		for _, e := range explicit {
			if e.Protocol == a.Protocol && a.ContainerPort >= e.ContainerPort && int(a.ContainerPort) < int(e.ContainerPort)+e.size() {
				taken = true
			}
		}
		if !taken {
			out = append(out, a)
		}
	}
	return out
}

// FormatPorts lists mappings like docker port: "80/tcp -> 0.0.0.0:8080",
// one line per port.
func FormatPorts(ports []PortMapping) []string {
	var out []string
	for _, p := range ports {
		ip := p.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		for i := 0; i < p.size(); i++ {
			out = append(out, fmt.Sprintf("%d/%s -> %s", int(p.ContainerPort)+i, p.Protocol, net.JoinHostPort(ip, strconv.Itoa(int(p.HostPort)+i))))
		}
	}
	return out
}
