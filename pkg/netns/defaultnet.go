package netns

import (
	"errors"
	"fmt"
	"net"
	"slices"
)

// The built-in default network: what a container gets without --network
// (or with private or bridge) where the host can run it. It is a bridge in
// the per-user rootless namespace that user networks use, so one pasta
// serves all of the user's containers instead of one per container (29
// MiB each with this pasta build). Its name, ID and subnet are podman's.
const (
	DefaultNetworkName = "podman"
	// DefaultNetworkID is podman's ID for its default network.
	DefaultNetworkID = "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
	// ModeBridge is Info.Mode of a container on the default network, as
	// podman's NetworkMode names it.
	ModeBridge = "bridge"
)

// DefaultNetwork is the default network's definition on this host:
// 10.88.0.0/16, or the next /16 of 10.0.0.0/8 that overlaps no host route
// when the host uses 10.88 (10.89 is left to user networks).
func DefaultNetwork() Network { return defaultNetwork(hostRoutes()) }

func defaultNetwork(routes []Route) Network {
	n := Network{Name: DefaultNetworkName, ID: DefaultNetworkID, Driver: "bridge", Subnet: "10.88.0.0/16", Gateway: "10.88.0.1"}
next:
	for i := 88; i < 256; i++ {
		if i == 89 {
			continue
		}
		_, sn, _ := net.ParseCIDR(fmt.Sprintf("10.%d.0.0/16", i))
		for _, r := range routes {
			if overlaps(sn, r.Net) {
				continue next
			}
		}
		n.Subnet, n.Gateway = sn.String(), fmt.Sprintf("10.%d.0.1", i)
		break
	}
	return n
}

// ErrDefaultNetwork is returned for removing the default network, in
// podman's words.
var ErrDefaultNetwork = errors.New("default network " + DefaultNetworkName + " cannot be removed")

// IsDefaultNetwork reports whether nw is the built-in default network.
func IsDefaultNetwork(nw Network) bool { return nw.ID == DefaultNetworkID }

// UsesDefaultNetwork reports whether the request means the default
// network (no mode, private or bridge, which ParseNetworkFlag turns into
// private); whether the host can run it is DefaultNetworkProblem's.
func (c Config) UsesDefaultNetwork() bool {
	return (c.Mode == "" || c.Mode == ModePrivate) && len(c.HelperOpts) == 0
}

// BridgeNetworks lists the bridge networks the request puts the container
// on, in the order of its interfaces, the default network under
// DefaultNetworkName; nil when the mode is not a bridge network (none,
// host, pasta, slirp4netns, container:NAME). Whether the host can run the
// default network is DefaultNetworkProblem's.
func (c Config) BridgeNetworks() []string {
	var first string
	switch {
	case c.UsesDefaultNetwork():
		first = DefaultNetworkName
	case IsUserNetwork(c.Mode):
		first = c.Mode
	default:
		return nil
	}
	return append([]string{first}, c.Networks...)
}

// SetBridgeNetworks puts the container on names (as BridgeNetworks lists
// them), or on no network (none) when names is empty; the aliases of
// networks it leaves are dropped.
func (c *Config) SetBridgeNetworks(names []string) {
	c.Networks = nil
	switch {
	case len(names) == 0:
		c.Mode = ModeNone
	case names[0] == DefaultNetworkName:
		c.Mode = ModePrivate
	default:
		c.Mode = names[0]
	}
	c.HelperOpts = nil
	if len(names) > 1 {
		c.Networks = append([]string(nil), names[1:]...)
	}
	for n := range c.Aliases {
		if !slices.Contains(names, n) {
			delete(c.Aliases, n)
		}
	}
	if len(c.Aliases) == 0 {
		c.Aliases = nil
	}
}

// OnNetwork reports whether the request puts the container on bridge
// network name (DefaultNetworkName for the default network).
func (c Config) OnNetwork(name string) bool { return slices.Contains(c.BridgeNetworks(), name) }
