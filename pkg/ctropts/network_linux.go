package ctropts

import (
	"net"
	"strings"
	"unicode"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/netns"
)

// Network are a container's network settings as given.
type Network struct {
	// Mode is the network mode ("": the default, a private network).
	Mode       string
	Publish    []string
	PublishAll bool
	DNS        []string
	DNSSearch  []string
	DNSOptions []string
	AddHosts   []string
	// Aliases are more names the container resolves by on its user
	// network (compose's service names).
	Aliases []string
}

// Config validates the settings. Published ports keep host port 0 where
// the user asked for a free one: AssignHostPorts fills them in when the
// container is created, and PublishAll is expanded against the image.
func (n Network) Config() (netns.Config, error) {
	var cfg netns.Config
	mode, opts, err := netns.ParseNetworkFlag(n.Mode)
	if err != nil {
		return cfg, err
	}
	cfg.Mode, cfg.HelperOpts, cfg.PublishAll = mode, opts, n.PublishAll
	for _, p := range n.Publish {
		ports, err := netns.ParsePublish(p)
		if err != nil {
			return cfg, err
		}
		cfg.Ports = append(cfg.Ports, ports...)
	}
	if (len(cfg.Ports) > 0 || cfg.PublishAll) && !cfg.OwnNamespace() {
		return cfg, setting.Errorf("cannot publish ports with {network} %s: ports are published only from a private network (pasta or slirp4netns) or a user network", n.Mode)
	}
	for _, d := range n.DNS {
		if net.ParseIP(d) == nil {
			return cfg, setting.Errorf("{dns} %q: not an IP address", d)
		}
	}
	if strings.HasPrefix(mode, netns.ContainerPrefix) && len(n.DNS)+len(n.DNSSearch)+len(n.DNSOptions)+len(n.AddHosts) > 0 {
		// Like docker: the network's owner has these files.
		return cfg, setting.Errorf("{dns}, {dns-search}, {dns-option} and {add-host} cannot be used with {network} %s: the other container's settings apply", n.Mode)
	}
	for _, s := range n.DNSSearch {
		// White space or a newline would write more into resolv.conf.
		if s == "" || strings.ContainsRune(s, '/') || hasSpaceOrControl(s) {
			return cfg, setting.Errorf("{dns-search} %q: not a domain", s)
		}
	}
	if len(n.DNSSearch) > 1 {
		for _, s := range n.DNSSearch {
			if s == "." {
				return cfg, setting.Errorf("{dns-search} .: means no search domains and cannot be combined with others")
			}
		}
	}
	for _, o := range n.DNSOptions {
		if o == "" || hasSpaceOrControl(o) {
			return cfg, setting.Errorf("{dns-option} %q: not a resolv.conf option", o)
		}
	}
	for _, h := range n.AddHosts {
		if _, _, err := netns.ParseAddHost(h); err != nil {
			return cfg, err
		}
	}
	if len(n.Aliases) > 0 && !netns.IsUserNetwork(mode) {
		return cfg, setting.Errorf("{network-alias} needs a user network ({network} NAME, made by husk network create): only user networks resolve container names")
	}
	for _, a := range n.Aliases {
		if a == "" || len(a) > 253 || strings.ContainsAny(a, "/") || hasSpaceOrControl(a) {
			return cfg, setting.Errorf("{network-alias} %q: not a host name", a)
		}
	}
	cfg.DNS, cfg.DNSSearch, cfg.DNSOptions, cfg.AddHosts, cfg.Aliases = n.DNS, n.DNSSearch, n.DNSOptions, n.AddHosts, n.Aliases
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
