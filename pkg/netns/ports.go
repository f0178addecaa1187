package netns

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// unprivilegedPortSysctl is where the lowest port an unprivileged user
// may bind is set.
const unprivilegedPortSysctl = "/proc/sys/net/ipv4/ip_unprivileged_port_start"

// ErrPortInUse and ErrPrivilegedPort are wrapped by CheckPorts' errors.
var (
	ErrPortInUse      = errors.New("already in use")
	ErrPrivilegedPort = errors.New("privileged port")
)

// AssignHostPorts returns the mappings with every HostPort 0 replaced by a
// port that is free now (a port range gets consecutive free ports).
func AssignHostPorts(ports []PortMapping) ([]PortMapping, error) {
	out := append([]PortMapping(nil), ports...)
	for i := range out {
		if out[i].HostPort != 0 {
			continue
		}
		p, err := freePort(out[i])
		if err != nil {
			return nil, fmt.Errorf("find a free host port for %d/%s: %w", out[i].ContainerPort, out[i].Protocol, err)
		}
		out[i].HostPort = p
	}
	return out, nil
}

// freePort asks the kernel for a free port; for a range it tries a few
// kernel-chosen starting points until the whole range binds.
func freePort(m PortMapping) (uint16, error) {
	for try := 0; try < 20; try++ {
		l, err := listen(m.Protocol, m.HostIP, 0)
		if err != nil {
			return 0, err
		}
		first := uint16(localPort(l))
		if m.size() == 1 {
			l.Close()
			return first, nil
		}
		held := []closer{l}
		ok := int(first)+m.size()-1 <= 65535
		for i := 1; ok && i < m.size(); i++ {
			c, err := listen(m.Protocol, m.HostIP, first+uint16(i))
			if err != nil {
				ok = false
				break
			}
			held = append(held, c)
		}
		for _, c := range held {
			c.Close()
		}
		if ok {
			return first, nil
		}
	}
	return 0, fmt.Errorf("no range of %d free ports", m.size())
}

type closer interface{ Close() error }

func listen(proto, ip string, port uint16) (closer, error) {
	if ip == "" {
		ip = "0.0.0.0"
	}
	addr := net.JoinHostPort(ip, strconv.Itoa(int(port)))
	if proto == "udp" {
		return net.ListenPacket("udp", addr)
	}
	return net.Listen("tcp", addr)
}

func localPort(c closer) int {
	switch l := c.(type) {
	case net.Listener:
		return l.Addr().(*net.TCPAddr).Port
	case net.PacketConn:
		return l.LocalAddr().(*net.UDPAddr).Port
	}
	return 0
}

// CheckPorts tries every published host port before anything starts, so
// that a port in use or below net.ipv4.ip_unprivileged_port_start is an
// error naming the port, not a helper's failure after the container was
// created.
func CheckPorts(ports []PortMapping) error {
	start := unprivilegedPortStart()
	seen := map[string]bool{}
	for _, m := range ports {
		ip := m.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		for i := 0; i < m.size(); i++ {
			port := int(m.HostPort) + i
			if m.HostPort == 0 {
				return fmt.Errorf("port %d/%s: no host port assigned", m.ContainerPort, m.Protocol)
			}
			key := fmt.Sprintf("%s/%s/%d", ip, m.Protocol, port)
			if seen[key] {
				return fmt.Errorf("port %d/%s on %s is published twice", port, m.Protocol, ip)
			}
			seen[key] = true
			c, err := listen(m.Protocol, m.HostIP, uint16(port))
			if err != nil {
				switch {
				case errors.Is(err, syscall.EADDRINUSE):
					return fmt.Errorf("port %d/%s on %s is %w", port, m.Protocol, ip, ErrPortInUse)
				case errors.Is(err, syscall.EACCES):
					return privilegedErr(port, m.Protocol, start)
				case errors.Is(err, syscall.EADDRNOTAVAIL):
					return fmt.Errorf("port %d/%s: %s is not an address of this host", port, m.Protocol, ip)
				}
				return fmt.Errorf("port %d/%s on %s: %w", port, m.Protocol, ip, err)
			}
			c.Close()
		}
	}
	return nil
}

func privilegedErr(port int, proto string, start int) error {
	return fmt.Errorf("port %d/%s is below net.ipv4.ip_unprivileged_port_start (%d) and cannot be published rootless (%w): publish a host port >= %d instead (-p %d:CTRPORT), or as root run sysctl -w net.ipv4.ip_unprivileged_port_start=%d (and persist it in /etc/sysctl.d/)",
		port, proto, start, ErrPrivilegedPort, start, start+port, port)
}

// unprivilegedPortStart reads the sysctl (1024 when it cannot be read, the
// kernel's default).
func unprivilegedPortStart() int {
	b, err := os.ReadFile(unprivilegedPortSysctl)
	if err != nil {
		return 1024
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 1024
	}
	return n
}
