package netns

import (
	"strings"
	"testing"
)

func TestPastaArgs(t *testing.T) {
	ports := []PortMapping{
		{HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"},
		{HostIP: "127.0.0.1", HostPort: 8000, ContainerPort: 90, Range: 3, Protocol: "tcp"},
		{HostIP: "::1", HostPort: 5353, ContainerPort: 53, Range: 1, Protocol: "udp"},
	}
	got := strings.Join(pastaArgs("/run/ns", "/run/pid", ports, nil, false), " ")
	want := "--config-net --quiet --netns /run/ns --pid /run/pid --dns-forward 169.254.1.1 -t 8080:80 -t 127.0.0.1/8000-8002:90-92 -u ::1/5353:53 -T none -U none"
	if got != want {
		t.Errorf("\n%s\nwant\n%s", got, want)
	}
	got = strings.Join(pastaArgs("/n", "/p", nil, []string{"-T", "5432", "--no-map-gw"}, false), " ")
	want = "--config-net --quiet --netns /n --pid /p --dns-forward 169.254.1.1 -t none -u none -U none -T 5432 --no-map-gw"
	if got != want {
		t.Errorf("\n%s\nwant\n%s", got, want)
	}
	// As real root pasta would become nobody and lose the namespace file.
	got = strings.Join(pastaArgs("/n", "/p", nil, nil, true), " ")
	if !strings.HasSuffix(got, " --runas 0:0") {
		t.Errorf("as root: %s", got)
	}
}

func TestSlirpArgs(t *testing.T) {
	o, err := parseSlirpOpts(nil)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(slirpArgs("/n", "/s", o), " ")
	if got != "--configure --mtu=65520 --ready-fd=3 --api-socket /s --netns-type=path /n tap0" {
		t.Error(got)
	}
	o, err = parseSlirpOpts([]string{"allow_host_loopback=false", "enable_ipv6=true", "mtu=1500"})
	if err != nil {
		t.Fatal(err)
	}
	got = strings.Join(slirpArgs("/n", "/s", o), " ")
	if got != "--configure --mtu=1500 --ready-fd=3 --api-socket /s --netns-type=path --disable-host-loopback --enable-ipv6 /n tap0" {
		t.Error(got)
	}
	o, err = parseSlirpOpts([]string{"cidr=10.9.8.0/24", "port_handler=slirp4netns"})
	if err != nil {
		t.Fatal(err)
	}
	got = strings.Join(slirpArgs("/n", "/s", o), " ")
	if got != "--configure --mtu=65520 --ready-fd=3 --api-socket /s --netns-type=path --cidr=10.9.8.0/24 /n tap0" {
		t.Error(got)
	}
	if ip, gw, dns := o.addrs(); ip != "10.9.8.100" || gw != "10.9.8.2" || dns != "10.9.8.3" {
		t.Errorf("addrs of 10.9.8.0/24: %s %s %s", ip, gw, dns)
	}
}
