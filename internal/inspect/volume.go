package inspect

import (
	"time"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// Volume is podman's volume inspect object.
type Volume struct {
	Name        string            `json:"Name"`
	Driver      string            `json:"Driver"`
	Mountpoint  string            `json:"Mountpoint"`
	CreatedAt   time.Time         `json:"CreatedAt"`
	Labels      map[string]string `json:"Labels"`
	Scope       string            `json:"Scope"`
	Options     map[string]string `json:"Options"`
	Anonymous   bool              `json:"Anonymous,omitempty"`
	MountCount  uint              `json:"MountCount"`
	NeedsCopyUp bool              `json:"NeedsCopyUp,omitempty"`
}

// FromVolume is v as podman's volume inspect shows a volume. husk fills
// a new volume from the image when a container creates it, so a volume
// never waits for a copy-up (NeedsCopyUp, omitted when false, as podman).
func FromVolume(v *runtime.Volume) Volume {
	out := Volume{Name: v.Name, Driver: v.Driver, Mountpoint: v.Path, CreatedAt: v.CreatedAt, Labels: v.Labels,
		Anonymous: v.Anonymous, Scope: "local", Options: nonNilMap(v.Options)}
	if out.Driver == "" {
		out.Driver = "local"
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	return out
}

// Network is podman's (netavark's) network inspect object.
type Network struct {
	Name             string            `json:"name"`
	ID               string            `json:"id"`
	Driver           string            `json:"driver"`
	NetworkInterface string            `json:"network_interface"`
	Created          time.Time         `json:"created"`
	Subnets          []Subnet          `json:"subnets"`
	IPv6Enabled      bool              `json:"ipv6_enabled"`
	Internal         bool              `json:"internal"`
	DNSEnabled       bool              `json:"dns_enabled"`
	Labels           map[string]string `json:"labels,omitempty"`
	IPAMOptions      map[string]string `json:"ipam_options"`
}

// Subnet is one of a network's subnets.
type Subnet struct {
	Subnet  string `json:"subnet"`
	Gateway string `json:"gateway"`
}

// FromNetwork is n as podman's network inspect shows a network; iface is
// its bridge in the rootless namespace.
func FromNetwork(n netns.Network, iface string) Network {
	out := Network{Name: n.Name, ID: n.ID, Driver: n.Driver, NetworkInterface: iface, Created: n.Created,
		Subnets: []Subnet{}, Internal: n.Internal, DNSEnabled: n.DNS, Labels: n.Labels,
		IPAMOptions: map[string]string{"driver": "host-local"}}
	if n.Subnet != "" {
		out.Subnets = append(out.Subnets, Subnet{Subnet: n.Subnet, Gateway: n.Gateway})
	}
	return out
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
