//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/netns"
)

func parseNetworkFlags(args ...string) (netns.Config, error) {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	n := addNetworkFlags(fs)
	if err := fs.Parse(args); err != nil {
		return netns.Config{}, err
	}
	return n.config()
}

func TestNetworkFlags(t *testing.T) {
	cfg, err := parseNetworkFlags("--network", "pasta:--no-map-gw", "-p", "8080:80", "-p", "127.0.0.1::53/udp",
		"-P", "--dns", "192.0.2.53", "--dns-search", "example.com", "--dns-option", "ndots:2", "--add-host", "db:192.0.2.10")
	if err != nil {
		t.Fatal(err)
	}
	want := netns.Config{
		Mode: "pasta", HelperOpts: []string{"--no-map-gw"}, PublishAll: true,
		Ports: []netns.PortMapping{
			{HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"},
			{HostIP: "127.0.0.1", ContainerPort: 53, Range: 1, Protocol: "udp"},
		},
		DNS: []string{"192.0.2.53"}, DNSSearch: []string{"example.com"}, DNSOptions: []string{"ndots:2"}, AddHosts: []string{"db:192.0.2.10"},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("%+v", cfg)
	}
	cfg, err = parseNetworkFlags()
	if err != nil || cfg.Mode != netns.ModePrivate {
		t.Errorf("default: %+v %v", cfg, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--network", "host", "-p", "80"}, "cannot publish"},
		{[]string{"--network", "none", "-P"}, "cannot publish"},
		{[]string{"-p", "8080:80/sctp"}, "unknown protocol"},
		{[]string{"--dns", "resolver"}, "not an IP"},
		{[]string{"--add-host", "db"}, "NAME:IP"},
		{[]string{"--dns-search", ".", "--dns-search", "a.example"}, "cannot be combined"},
		{[]string{"--network", "container:db", "--dns", "192.0.2.1"}, "other container"},
		{[]string{"--network", "bad net"}, "unsupported network mode"},
	} {
		if _, err := parseNetworkFlags(tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.want)
		}
	}
}

func TestPortCommand(t *testing.T) {
	ports := []netns.PortMapping{
		{HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"},
		{HostIP: "127.0.0.1", HostPort: 9000, ContainerPort: 90, Range: 3, Protocol: "udp"},
	}
	lookup := func(_ context.Context, name string) (string, []netns.PortMapping, error) {
		if name != "web" {
			return "", nil, errors.New("no such container")
		}
		return "web", ports, nil
	}
	run := func(args ...string) (string, error) {
		cmd := newPortCommand(lookup)
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs(args)
		err := cmd.Execute()
		return out.String(), err
	}
	out, err := run("web")
	if err != nil || out != "80/tcp -> 0.0.0.0:8080\n90/udp -> 127.0.0.1:9000\n91/udp -> 127.0.0.1:9001\n92/udp -> 127.0.0.1:9002\n" {
		t.Errorf("%q %v", out, err)
	}
	out, err = run("web", "91/udp")
	if err != nil || out != "127.0.0.1:9001\n" {
		t.Errorf("%q %v", out, err)
	}
	out, err = run("web", "80")
	if err != nil || out != "0.0.0.0:8080\n" {
		t.Errorf("%q %v", out, err)
	}
	if _, err := run("web", "81"); err == nil || !strings.Contains(err.Error(), `no public port "81" published for web`) {
		t.Error(err)
	}
	if _, err := run("web", "x/tcp"); err == nil {
		t.Error("bad port accepted")
	}
}

// --network several times or as a list puts the container on each bridge
// network; --network-alias applies to each; other modes go alone.
func TestNetworkFlagsSeveralNetworks(t *testing.T) {
	cfg, err := parseNetworkFlags("--network", "na,nb", "--network", "podman", "--network-alias", "web")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mode != "na" || !reflect.DeepEqual(cfg.Networks, []string{"nb", "podman"}) {
		t.Fatalf("networks: %q %q", cfg.Mode, cfg.Networks)
	}
	if want := map[string][]string{"na": {"web"}, "nb": {"web"}, "podman": {"web"}}; !reflect.DeepEqual(cfg.Aliases, want) {
		t.Fatalf("aliases: %v", cfg.Aliases)
	}
	cfg, err = parseNetworkFlags("--network", "bridge", "--network", "na")
	if err != nil || cfg.Mode != netns.ModePrivate || !reflect.DeepEqual(cfg.BridgeNetworks(), []string{"podman", "na"}) {
		t.Fatalf("default first: %+v %v", cfg, err)
	}
	for _, bad := range [][]string{
		{"--network", "na", "--network", "host"},
		{"--network", "none,na"},
		{"--network", "na", "--network", "pasta:-T,none"},
		{"--network", "host", "--network-alias", "x"},
		{"--network", "na", "--network-alias", "a b"},
	} {
		if _, err := parseNetworkFlags(bad...); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// Options with commas stay one mode.
	if cfg, err := parseNetworkFlags("--network", "pasta:-T,none"); err != nil || cfg.Mode != "pasta" || len(cfg.Networks) > 0 {
		t.Fatalf("pasta options: %+v %v", cfg, err)
	}
}
