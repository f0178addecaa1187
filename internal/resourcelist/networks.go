package resourcelist

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/netns"
)

// NetworkKeys are the filters of network ls (podman 4.3's, but until):
// dangling networks are those no container uses.
var NetworkKeys = []string{"dangling", "driver", "id", "label", "name"}

// NetworkRow is one line of husk network ls; its fields are what
// --format templates see (podman's names).
type NetworkRow struct {
	ID, Name, Driver, NetworkInterface string
	Created                            time.Time
	Subnets                            []Subnet
	IPv6Enabled, Internal, DNSEnabled  bool
	Labels, Options, IPAMOptions       map[string]string
}

// Subnet is a network's subnet and gateway.
type Subnet struct {
	Subnet  string `json:"subnet"`
	Gateway string `json:"gateway,omitempty"`
}

// String is the subnet as a table shows it.
func (s Subnet) String() string { return s.Subnet }

// NetworkJSON is one entry of husk network ls --format json: podman's
// keys.
type NetworkJSON struct {
	Name             string            `json:"name"`
	ID               string            `json:"id"`
	Driver           string            `json:"driver"`
	NetworkInterface string            `json:"network_interface"`
	Created          string            `json:"created"`
	Subnets          []Subnet          `json:"subnets,omitempty"`
	IPv6Enabled      bool              `json:"ipv6_enabled"`
	Internal         bool              `json:"internal"`
	DNSEnabled       bool              `json:"dns_enabled"`
	Labels           map[string]string `json:"labels,omitempty"`
	IPAMOptions      map[string]string `json:"ipam_options,omitempty"`
}

// WriteNetworks prints the networks that o's filters select: their names
// with Quiet, else as fm says. inUse reports whether a container uses a
// network (asked only for the dangling filter).
func WriteNetworks(w io.Writer, fm *format.Formatter, nets []netns.Network, inUse func(name string) (bool, error), o Options) error {
	f, err := parseFilters(o.Filters, NetworkKeys)
	if err != nil {
		return err
	}
	var rows []any
	js := []NetworkJSON{}
	for _, n := range nets {
		dangling := false
		if len(f["dangling"]) > 0 {
			used, err := inUse(n.Name)
			if err != nil {
				return err
			}
			dangling = !used
		}
		ok := f.match(n.Labels, dangling, func(k, v string) bool {
			switch k {
			case "name":
				return matchName(v, n.Name)
			case "id":
				return strings.HasPrefix(n.ID, v)
			}
			return n.Driver == v // driver
		})
		if !ok {
			continue
		}
		if o.Quiet {
			fmt.Fprintln(w, n.Name)
			continue
		}
		var subnets []Subnet
		if n.Subnet != "" {
			subnets = []Subnet{{Subnet: n.Subnet, Gateway: n.Gateway}}
		}
		ipam := map[string]string{"driver": "host-local"}
		rows = append(rows, NetworkRow{ID: n.ID[:min(12, len(n.ID))], Name: n.Name, Driver: n.Driver, Created: n.Created, Subnets: subnets,
			Internal: n.Internal, DNSEnabled: n.DNS, Labels: nonNil(n.Labels), Options: map[string]string{}, IPAMOptions: ipam})
		js = append(js, NetworkJSON{Name: n.Name, ID: n.ID, Driver: n.Driver, Created: n.Created.UTC().Format(time.RFC3339Nano),
			Subnets: subnets, Internal: n.Internal, DNSEnabled: n.DNS, Labels: n.Labels, IPAMOptions: ipam})
	}
	if o.Quiet {
		return nil
	}
	return fm.WriteList(w, rows, js, format.List{Default: "table {{.ID}}\t{{.Name}}\t{{.Driver}}", Headers: map[string]string{"ID": "NETWORK ID", "IPv6Enabled": "IPV6 ENABLED"},
		Row: NetworkRow{}, NoHeading: o.NoHeading})
}
