//go:build linux

package main

import (
	"fmt"
	"net"
	"strings"
	"unicode"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/netns"
)

// networkFlags are the network flags of run and create; config()
// validates them into a netns.Config.
type networkFlags struct {
	network    string
	publish    []string
	publishAll bool
	dns        []string
	dnsSearch  []string
	dnsOptions []string
	addHosts   []string
}

func addNetworkFlags(fs *pflag.FlagSet) *networkFlags {
	n := &networkFlags{}
	fs.StringVar(&n.network, "network", "", "network: private (default: pasta, else slirp4netns), pasta[:OPT,…], slirp4netns[:KEY=VALUE,…], none, host, container:NAME or NETWORK (husk network create)")
	fs.StringArrayVarP(&n.publish, "publish", "p", nil, "publish a port: [HOSTIP:][HOSTPORT:]CTRPORT[/tcp|/udp], ranges as 8000-8010:80-90 (no host port: a free one)")
	fs.BoolVarP(&n.publishAll, "publish-all", "P", false, "publish every port the image exposes on a free host port")
	fs.StringArrayVar(&n.dns, "dns", nil, "DNS server for the container's /etc/resolv.conf (replaces the default ones)")
	fs.StringArrayVar(&n.dnsSearch, "dns-search", nil, "DNS search domain (replaces the host's; \".\" for none)")
	fs.StringArrayVar(&n.dnsOptions, "dns-option", nil, "resolv.conf option, e.g. ndots:2")
	fs.StringArrayVar(&n.addHosts, "add-host", nil, "add NAME:IP to /etc/hosts (IP may be host-gateway: the host)")
	return n
}

// config validates the flags. Published ports keep host port 0 where the
// user asked for a free one: AssignHostPorts fills them in when the
// container is created, and -P is expanded against the image.
func (n *networkFlags) config() (netns.Config, error) {
	var cfg netns.Config
	mode, opts, err := netns.ParseNetworkFlag(n.network)
	if err != nil {
		return cfg, err
	}
	cfg.Mode, cfg.HelperOpts, cfg.PublishAll = mode, opts, n.publishAll
	for _, p := range n.publish {
		ports, err := netns.ParsePublish(p)
		if err != nil {
			return cfg, err
		}
		cfg.Ports = append(cfg.Ports, ports...)
	}
	if (len(cfg.Ports) > 0 || cfg.PublishAll) && !cfg.OwnNamespace() {
		return cfg, fmt.Errorf("cannot publish ports with --network %s: ports are published only from a private network (pasta or slirp4netns) or a user network", n.network)
	}
	for _, d := range n.dns {
		if net.ParseIP(d) == nil {
			return cfg, fmt.Errorf("--dns %q: not an IP address", d)
		}
	}
	if strings.HasPrefix(mode, netns.ContainerPrefix) && len(n.dns)+len(n.dnsSearch)+len(n.dnsOptions)+len(n.addHosts) > 0 {
		// Like docker: the network's owner has these files.
		return cfg, fmt.Errorf("--dns, --dns-search, --dns-option and --add-host cannot be used with --network %s: the other container's settings apply", n.network)
	}
	for _, s := range n.dnsSearch {
		// White space or a newline would write more into resolv.conf.
		if s == "" || strings.ContainsRune(s, '/') || hasSpaceOrControl(s) {
			return cfg, fmt.Errorf("--dns-search %q: not a domain", s)
		}
	}
	if len(n.dnsSearch) > 1 {
		for _, s := range n.dnsSearch {
			if s == "." {
				return cfg, fmt.Errorf("--dns-search .: means no search domains and cannot be combined with others")
			}
		}
	}
	for _, o := range n.dnsOptions {
		if o == "" || hasSpaceOrControl(o) {
			return cfg, fmt.Errorf("--dns-option %q: not a resolv.conf option", o)
		}
	}
	for _, h := range n.addHosts {
		if _, _, err := netns.ParseAddHost(h); err != nil {
			return cfg, err
		}
	}
	cfg.DNS, cfg.DNSSearch, cfg.DNSOptions, cfg.AddHosts = n.dns, n.dnsSearch, n.dnsOptions, n.addHosts
	return cfg, nil
}

// hasSpaceOrControl reports white space or control characters, which
// would end a line or a field of the file the value is written to.
func hasSpaceOrControl(s string) bool {
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return true
		}
	}
	return false
}
