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
	n        ctropts.Network
	networks []string
}

func addNetworkFlags(fs *pflag.FlagSet) *networkFlags {
	f := &networkFlags{}
	n := &f.n
	stringArrayVar(fs, &f.networks, "network", nil, "network: private or bridge (default: the bridge network podman, one pasta per user; without nft a pasta per container), pasta[:OPT,…] (a pasta per container: keeps the client address), slirp4netns[:KEY=VALUE,…], none, host, container:NAME or NETWORK (husk network create); bridge networks can be given several times or as NET1,NET2 (an interface on each)")
	stringArrayVar(fs, &n.Aliases, "network-alias", nil, "further DNS name of the container on its networks that have DNS")
	stringArrayVarP(fs, &n.Publish, "publish", "p", nil, "publish a port: [HOSTIP:][HOSTPORT:]CTRPORT[/tcp|/udp], ranges as 8000-8010:80-90 (no host port: a free one)")
	fs.BoolVarP(&n.PublishAll, "publish-all", "P", false, "publish every port the image exposes on a free host port")
	stringArrayVar(fs, &n.DNS, "dns", nil, "DNS server for the container's /etc/resolv.conf (replaces the default ones)")
	stringArrayVar(fs, &n.DNSSearch, "dns-search", nil, "DNS search domain (replaces the host's; \".\" for none)")
	stringArrayVar(fs, &n.DNSOptions, "dns-option", nil, "resolv.conf option, e.g. ndots:2")
	stringArrayVar(fs, &n.AddHosts, "add-host", nil, "add NAME:IP to /etc/hosts (IP may be host-gateway: the host)")
	return f
}

// config checks the flags (see ctropts.Network.Config).
func (f *networkFlags) config() (netns.Config, error) {
	f.n.Mode, f.n.More = ctropts.SplitNetworks(f.networks)
	cfg, err := f.n.Config()
	return cfg, withFlagNames(err)
}
