package netns

import (
	"strings"
	"testing"
)

const hostResolv = `# generated
nameserver 127.0.0.53
nameserver 192.0.2.53
search corp.example
options edns0 ndots:1
sortlist 130.155.160.0/255.255.240.0
`

func TestResolvConf(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		info Info
		want string
	}{
		{"pasta forwards", Config{}, Info{Mode: ModePasta, DNS: []string{PastaDNS}},
			"search corp.example\nnameserver 169.254.1.1\noptions edns0 ndots:1\nsortlist 130.155.160.0/255.255.240.0\n"},
		{"slirp", Config{}, Info{Mode: ModeSlirp, DNS: []string{SlirpDNS}},
			"search corp.example\nnameserver 10.0.2.3\noptions edns0 ndots:1\nsortlist 130.155.160.0/255.255.240.0\n"},
		{"host keeps loopback", Config{}, Info{Mode: ModeHost},
			"search corp.example\nnameserver 127.0.0.53\nnameserver 192.0.2.53\noptions edns0 ndots:1\nsortlist 130.155.160.0/255.255.240.0\n"},
		{"none", Config{}, Info{Mode: ModeNone},
			"search corp.example\noptions edns0 ndots:1\nsortlist 130.155.160.0/255.255.240.0\n"},
		{"no helper DNS drops loopback", Config{}, Info{Mode: ModePasta},
			"search corp.example\nnameserver 192.0.2.53\noptions edns0 ndots:1\nsortlist 130.155.160.0/255.255.240.0\n"},
		{"user settings", Config{DNS: []string{"9.9.9.9", "2001:db8::1"}, DNSSearch: []string{"a.example", "b.example"}, DNSOptions: []string{"ndots:5", "rotate"}},
			Info{Mode: ModePasta, DNS: []string{PastaDNS}},
			"search a.example b.example\nnameserver 9.9.9.9\nnameserver 2001:db8::1\noptions edns0 ndots:5 rotate\nsortlist 130.155.160.0/255.255.240.0\n"},
		{"search dot clears", Config{DNSSearch: []string{"."}}, Info{Mode: ModeSlirp, DNS: []string{SlirpDNS}},
			"nameserver 10.0.2.3\noptions edns0 ndots:1\nsortlist 130.155.160.0/255.255.240.0\n"},
	}
	for _, tt := range tests {
		if got := string(resolvConf([]byte(hostResolv), tt.cfg, tt.info)); got != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.name, got, tt.want)
		}
	}
	if got := string(resolvConf(nil, Config{}, Info{Mode: ModePasta, DNS: []string{PastaDNS}})); got != "nameserver 169.254.1.1\n" {
		t.Errorf("no host file: %q", got)
	}
}

func TestHosts(t *testing.T) {
	cfg := Config{AddHosts: []string{"db:192.0.2.10", "v6=2001:db8::2", "gw:host-gateway"}}
	got := string(Hosts(cfg, "web.example", Info{Mode: ModePasta, IP: "192.0.2.2", HostAddr: "192.0.2.1"}))
	for _, want := range []string{
		"127.0.0.1\tlocalhost",
		"192.0.2.2\tweb.example web\n",
		"192.0.2.1\thost.containers.internal host.docker.internal\n",
		"192.0.2.10\tdb\n",
		"2001:db8::2\tv6\n",
		"192.0.2.1\tgw\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	got = string(Hosts(Config{AddHosts: []string{"gw:host-gateway"}}, "c1", ModeInfo(ModeNone)))
	if !strings.Contains(got, "127.0.1.1\tc1\n") || strings.Contains(got, "host.containers.internal") || strings.Contains(got, "gw") {
		t.Errorf("none:\n%s", got)
	}
}

func TestParseAddHost(t *testing.T) {
	for _, ok := range []string{"a:1.2.3.4", "a=1.2.3.4", "a:::1", "a:[2001:db8::1]", "a:host-gateway"} {
		if _, _, err := ParseAddHost(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"a", ":1.2.3.4", "a:", "a:notanip", "a b:1.2.3.4"} {
		if _, _, err := ParseAddHost(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
