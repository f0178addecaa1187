package netns

import (
	"slices"
	"testing"
)

func TestHostAddrs(t *testing.T) {
	ports := []PortMapping{
		{HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"},
		{HostIP: "127.0.0.1", HostPort: 9000, ContainerPort: 90, Range: 3, Protocol: "udp"},
		{HostIP: "::1", HostPort: 8443, ContainerPort: 443, Protocol: "tcp"},
	}
	for spec, want := range map[string][]string{
		"80": {"0.0.0.0:8080"}, "80/tcp": {"0.0.0.0:8080"}, "80/udp": nil, "91/udp": {"127.0.0.1:9001"}, "93/udp": nil, "443": {"[::1]:8443"},
	} {
		if got, err := HostAddrs(ports, spec); err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %q %v, want %q", spec, got, err, want)
		}
	}
	for _, spec := range []string{"x", "0", "80/sctp", "70000"} {
		if _, err := HostAddrs(ports, spec); err == nil {
			t.Errorf("%s accepted", spec)
		}
	}
}
