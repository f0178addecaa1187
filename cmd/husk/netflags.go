//go:build linux

package main

import (
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/netns"
)

// networkFlags are the network flags of run and create, read into
// ctropts.Network.
type networkFlags struct {
	n ctropts.Network
}

func addNetworkFlags(fs *pflag.FlagSet) *networkFlags {
	f := &networkFlags{}
	n := &f.n
	fs.StringVar(&n.Mode, "network", "", "network: private or bridge (default: the bridge network podman, one pasta per user; without nft a pasta per container), pasta[:OPT,…] (a pasta per container: keeps the client address), slirp4netns[:KEY=VALUE,…], none, host, container:NAME or NETWORK (husk network create)")
	fs.StringArrayVarP(&n.Publish, "publish", "p", nil, "publish a port: [HOSTIP:][HOSTPORT:]CTRPORT[/tcp|/udp], ranges as 8000-8010:80-90 (no host port: a free one)")
	fs.BoolVarP(&n.PublishAll, "publish-all", "P", false, "publish every port the image exposes on a free host port")
	fs.StringArrayVar(&n.DNS, "dns", nil, "DNS server for the container's /etc/resolv.conf (replaces the default ones)")
	fs.StringArrayVar(&n.DNSSearch, "dns-search", nil, "DNS search domain (replaces the host's; \".\" for none)")
	fs.StringArrayVar(&n.DNSOptions, "dns-option", nil, "resolv.conf option, e.g. ndots:2")
	fs.StringArrayVar(&n.AddHosts, "add-host", nil, "add NAME:IP to /etc/hosts (IP may be host-gateway: the host)")
	fs.StringArrayVar(&n.Aliases, "network-alias", nil, "another name the container resolves by on its user network (repeatable)")
	return f
}

// config checks the flags (see ctropts.Network.Config).
func (f *networkFlags) config() (netns.Config, error) {
	cfg, err := f.n.Config()
	return cfg, withFlagNames(err)
}
