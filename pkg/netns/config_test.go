package netns

import (
	"net"
	"reflect"
	"strings"
	"testing"
)

func TestParseNetworkFlag(t *testing.T) {
	tests := []struct {
		in      string
		mode    string
		opts    []string
		wantErr string
	}{
		{"", ModePrivate, nil, ""},
		{"private", ModePrivate, nil, ""},
		{"bridge", ModePrivate, nil, ""},
		{"none", ModeNone, nil, ""},
		{"host", ModeHost, nil, ""},
		{"host:x", "", nil, "takes no options"},
		{"pasta", ModePasta, nil, ""},
		{"pasta:--no-map-gw,-T,8080", ModePasta, []string{"--no-map-gw", "-T", "8080"}, ""},
		{"pasta:", "", nil, "empty option list"},
		{"slirp4netns", ModeSlirp, nil, ""},
		{"slirp4netns:allow_host_loopback=false,mtu=1500", ModeSlirp, []string{"allow_host_loopback=false", "mtu=1500"}, ""},
		{"slirp4netns:port_handler=rootlesskit", "", nil, "use port_handler=slirp4netns"},
		{"slirp4netns:port_handler=slirp4netns,cidr=10.7.0.0/24", ModeSlirp, []string{"port_handler=slirp4netns", "cidr=10.7.0.0/24"}, ""},
		{"slirp4netns:cidr=10.7.0.1/24", "", nil, "network address"},
		{"slirp4netns:cidr=10.7.0.0/28", "", nil, "at least 128"},
		{"slirp4netns:cidr=fd00::/64", "", nil, "IPv4"},
		{"slirp4netns:outbound_addr=eth0", "", nil, "not supported"},
		{"slirp4netns:mtu=big", "", nil, "MTU"},
		{"container:web", "container:web", nil, ""},
		{"container:", "", nil, "name the container"},
		{"ns:/proc/1/ns/net", "", nil, "not supported"},
		{"mynet", "mynet", nil, ""},
		{"my net", "", nil, "unsupported network mode"},
		{"weird:opt", "", nil, "unsupported network mode"},
	}
	for _, tt := range tests {
		mode, opts, err := ParseNetworkFlag(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || mode != tt.mode || !reflect.DeepEqual(opts, tt.opts) {
			t.Errorf("%q: %q %q %v", tt.in, mode, opts, err)
		}
	}
}

func TestParsePublish(t *testing.T) {
	pm := func(ip string, h, c, r uint16, proto string) PortMapping {
		return PortMapping{HostIP: ip, HostPort: h, ContainerPort: c, Range: r, Protocol: proto}
	}
	tests := []struct {
		in      string
		want    []PortMapping
		wantErr string
	}{
		{"8080:80", []PortMapping{pm("", 8080, 80, 1, "tcp")}, ""},
		{"80", []PortMapping{pm("", 0, 80, 1, "tcp")}, ""},
		{":80", []PortMapping{pm("", 0, 80, 1, "tcp")}, ""},
		{"127.0.0.1:8080:80/udp", []PortMapping{pm("127.0.0.1", 8080, 80, 1, "udp")}, ""},
		{"127.0.0.1::80", []PortMapping{pm("127.0.0.1", 0, 80, 1, "tcp")}, ""},
		{"[::1]:8080:80", []PortMapping{pm("::1", 8080, 80, 1, "tcp")}, ""},
		{"8000-8010:80-90", []PortMapping{pm("", 8000, 80, 11, "tcp")}, ""},
		{"80-90", []PortMapping{pm("", 0, 80, 11, "tcp")}, ""},
		{"53:53/tcp,udp", []PortMapping{pm("", 53, 53, 1, "tcp"), pm("", 53, 53, 1, "udp")}, ""},
		{"8000-8010:80", nil, "same size"},
		{"8000-8001:80-90", nil, "host range has 2 ports, container range 11"},
		{"8080:80/sctp", nil, "unknown protocol"},
		{"0:80", nil, "invalid port"},
		{"8080:70000", nil, "invalid port"},
		{"90-80", nil, "ends before"},
		{"x.y:8080:80", nil, "invalid host address"},
		{"1:2:3:4", nil, "brackets"},
		{"[::1:8080:80", nil, "brackets"},
	}
	for _, tt := range tests {
		got, err := ParsePublish(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: %+v %v", tt.in, got, err)
		}
	}
}

func TestPortStrings(t *testing.T) {
	p := PortMapping{HostIP: "127.0.0.1", HostPort: 8000, ContainerPort: 80, Range: 2, Protocol: "tcp"}
	if s := p.String(); s != "127.0.0.1:8000-8001:80-81/tcp" {
		t.Error(s)
	}
	got := FormatPorts([]PortMapping{p, {HostPort: 5353, ContainerPort: 53, Protocol: "udp"}})
	want := []string{"80/tcp -> 127.0.0.1:8000", "81/tcp -> 127.0.0.1:8001", "53/udp -> 0.0.0.0:5353"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q", got)
	}
	if s := (PortMapping{HostIP: "::1", HostPort: 1, ContainerPort: 2, Protocol: "udp"}).String(); s != "[::1]:1:2/udp" {
		t.Error(s)
	}
}

func TestExposedToPortsAndMerge(t *testing.T) {
	got, err := ExposedToPorts(map[string]struct{}{"80/tcp": {}, "53/udp": {}, "9000": {}, "7/sctp": {}, "8000-8001/tcp": {}})
	if err != nil {
		t.Fatal(err)
	}
	var ctr []string
	for _, p := range got {
		if p.HostPort == 0 {
			t.Errorf("no host port: %+v", p)
		}
		ctr = append(ctr, p.String()[strings.Index(p.String(), ":")+1:])
	}
	want := []string{"53/udp", "80/tcp", "8000/tcp", "8001/tcp", "9000/tcp"}
	if !reflect.DeepEqual(ctr, want) {
		t.Errorf("%q", ctr)
	}
	explicit := []PortMapping{{HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"}}
	merged := MergePorts(explicit, got)
	if len(merged) != len(got) || merged[0] != explicit[0] {
		t.Errorf("%+v", merged)
	}
	if _, err := ExposedToPorts(map[string]struct{}{"x/tcp": {}}); err == nil {
		t.Error("bad exposed port accepted")
	}
}

func TestAssignAndCheckPorts(t *testing.T) {
	got, err := AssignHostPorts([]PortMapping{{HostIP: "127.0.0.1", ContainerPort: 80, Range: 3, Protocol: "tcp"}, {HostPort: 1234, ContainerPort: 1, Protocol: "udp"}})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].HostPort == 0 || got[1].HostPort != 1234 {
		t.Fatalf("%+v", got)
	}
	if err := CheckPorts(got[:1]); err != nil {
		t.Errorf("fresh ports: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := uint16(l.Addr().(*net.TCPAddr).Port)
	err = CheckPorts([]PortMapping{{HostIP: "127.0.0.1", HostPort: port - 1, ContainerPort: 80, Range: 2, Protocol: "tcp"}})
	if err == nil || !strings.Contains(err.Error(), "is already in use") || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("busy port: %v", err)
	}
	if err := CheckPorts([]PortMapping{{HostPort: port, ContainerPort: 80, Protocol: "udp"}, {HostPort: port, ContainerPort: 81, Protocol: "udp"}}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate: %v", err)
	}
	if err := CheckPorts([]PortMapping{{ContainerPort: 80, Protocol: "tcp"}}); err == nil {
		t.Error("unassigned host port accepted")
	}
}

func TestPrivilegedErrNamesSysctl(t *testing.T) {
	err := privilegedErr(80, "tcp", 1024)
	for _, want := range []string{"port 80/tcp", "net.ipv4.ip_unprivileged_port_start", "sysctl -w net.ipv4.ip_unprivileged_port_start=80"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
}

// The bridge networks of a request, in interface order, and changing them
// (network connect/disconnect): the default network is "podman" in the
// list and "private" as the mode; no network left is none; aliases of
// networks left go.
func TestBridgeNetworks(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want []string
	}{
		{Config{Mode: ModePrivate}, []string{"podman"}},
		{Config{Mode: "na", Networks: []string{"podman", "nb"}}, []string{"na", "podman", "nb"}},
		{Config{Mode: ModePasta}, nil},
		{Config{Mode: ModePrivate, HelperOpts: []string{"x"}}, nil},
		{Config{Mode: ModeHost}, nil},
		{Config{Mode: ModeNone}, nil},
		{Config{Mode: "container:abc"}, nil},
	} {
		if got := tt.cfg.BridgeNetworks(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%+v: %q, want %q", tt.cfg, got, tt.want)
		}
	}
	c := Config{Mode: "na", Networks: []string{"nb"}, Aliases: map[string][]string{"na": {"a"}, "nb": {"b"}}}
	c.SetBridgeNetworks([]string{"podman", "nb"})
	if c.Mode != ModePrivate || !reflect.DeepEqual(c.Networks, []string{"nb"}) || !reflect.DeepEqual(c.Aliases, map[string][]string{"nb": {"b"}}) {
		t.Fatalf("default first: %+v", c)
	}
	if !c.OnNetwork("podman") || !c.OnNetwork("nb") || c.OnNetwork("na") {
		t.Fatalf("OnNetwork: %+v", c)
	}
	c.SetBridgeNetworks(nil)
	if c.Mode != ModeNone || c.Networks != nil || c.Aliases != nil || c.BridgeNetworks() != nil {
		t.Fatalf("none left: %+v", c)
	}
}
