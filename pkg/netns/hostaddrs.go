package netns

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// HostAddrs gives the host addresses that publish the container port
// spec (PORT or PORT/PROTO, tcp by default) among ports (husk port).
func HostAddrs(ports []PortMapping, spec string) ([]string, error) {
	p, proto, ok := strings.Cut(spec, "/")
	if !ok {
		proto = "tcp"
	}
	n, err := strconv.ParseUint(p, 10, 16)
	if err != nil || n == 0 || (proto != "tcp" && proto != "udp") {
		return nil, fmt.Errorf("invalid port %q: want PORT or PORT/tcp|udp", spec)
	}
	var out []string
	for _, m := range ports {
		size := int(m.Range)
		if size == 0 {
			size = 1
		}
		if m.Protocol != proto || int(n) < int(m.ContainerPort) || int(n) >= int(m.ContainerPort)+size {
			continue
		}
		ip := m.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		out = append(out, net.JoinHostPort(ip, strconv.Itoa(int(m.HostPort)+int(n)-int(m.ContainerPort))))
	}
	return out, nil
}
