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
	Mode string
	// More are further bridge networks (--network given more than once,
	// or as NET1,NET2): the container gets an interface on each.
	More []string
	// Aliases are further DNS names of the container on its networks
	// (--network-alias).
	Aliases    []string
	Publish    []string
	PublishAll bool
	DNS        []string
	DNSSearch  []string
	DNSOptions []string
	AddHosts   []string
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
	if err := n.bridges(&cfg); err != nil {
		return cfg, err
	}
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
	cfg.DNS, cfg.DNSSearch, cfg.DNSOptions, cfg.AddHosts = n.DNS, n.DNSSearch, n.DNSOptions, n.AddHosts
	return cfg, nil
}

// SplitNetworks reads the values of --network as podman does: each value
// that is no mode with options (pasta:…, slirp4netns:…, container:…) is a
// comma-separated list of networks. The first is the mode, the others are
// More.
func SplitNetworks(values []string) (mode string, more []string) {
	var all []string
	for _, v := range values {
		if strings.Contains(v, ":") {
			all = append(all, v)
			continue
		}
		all = append(all, strings.Split(v, ",")...)
	}
	if len(all) == 0 {
		return "", nil
	}
	return all[0], all[1:]
}

// bridges checks More and Aliases: only bridge networks (the default one
// or user networks) go together, and aliases are DNS names, applied to
// every network given (create keeps them for those with DNS).
func (n Network) bridges(cfg *netns.Config) error {
	for _, m := range n.More {
		mode, opts, err := netns.ParseNetworkFlag(m)
		if err != nil {
			return err
		}
		if len(opts) > 0 || mode != netns.ModePrivate && !netns.IsUserNetwork(mode) {
			return setting.Errorf("{network} %s cannot be combined with other networks: only bridge networks (podman, or made by husk network create) can", m)
		}
		if mode == netns.ModePrivate {
			mode = netns.DefaultNetworkName
		}
		cfg.Networks = append(cfg.Networks, mode)
	}
	if len(cfg.Networks) > 0 && cfg.BridgeNetworks() == nil {
		return setting.Errorf("{network} %s cannot be combined with other networks: only bridge networks (podman, or made by husk network create) can", n.Mode)
	}
	if len(n.Aliases) == 0 {
		return nil
	}
	if err := checkAliases(n.Aliases, "{network-alias}"); err != nil {
		return err
	}
	nets := cfg.BridgeNetworks()
	if nets == nil {
		return setting.Errorf("{network-alias} needs a bridge network: names resolve on networks made by husk network create, not with {network} %s", cfg.Mode)
	}
	cfg.Aliases = map[string][]string{}
	for _, name := range nets {
		cfg.Aliases[name] = n.Aliases
	}
	return nil
}

// CheckAliases checks network connect's --alias values.
func CheckAliases(aliases []string) error { return checkAliases(aliases, "{alias}") }

func checkAliases(aliases []string, flag string) error {
	for _, a := range aliases {
		if !validAlias(a) {
			return setting.Errorf(flag+" %q: use letters, digits, '-', '_' and dots (a DNS name)", a)
		}
	}
	return nil
}

// validAlias reports whether a is a DNS name the DNS server can answer.
func validAlias(a string) bool {
	if a == "" || len(a) > 253 || strings.HasPrefix(a, ".") || strings.HasSuffix(a, ".") || strings.Contains(a, "..") {
		return false
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
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
