package netns

// User-defined networks, first step: their definitions (husk network
// create|ls|inspect|rm|prune). Running containers on them is not done yet;
// see docs/network.md, "User networks".

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/setting"
)

// Network is a user-defined network's definition.
type Network struct {
	Name    string `json:"name"`
	ID      string `json:"id"`
	Driver  string `json:"driver"` // "bridge"
	Subnet  string `json:"subnet"` // e.g. 10.89.1.0/24
	Gateway string `json:"gateway"`
	// Internal networks get no route out (no helper).
	Internal bool              `json:"internal,omitempty"`
	DNS      bool              `json:"dnsEnabled"`
	Labels   map[string]string `json:"labels,omitempty"`
	Created  time.Time         `json:"created"`
}

// NetworkOptions are what `network create` accepts.
type NetworkOptions struct {
	Subnet   string // "" picks a free 10.89.N.0/24
	Gateway  string // "" takes the subnet's first address
	Internal bool
	Labels   map[string]string
}

// Errors callers branch on.
var (
	ErrNetworkExists   = errors.New("network already exists")
	ErrNoSuchNetwork   = errors.New("no such network")
	ErrNetworkReserved = errors.New("reserved network name")
	// ErrEmptyName: an empty or blank network reference.
	ErrEmptyName = errors.New("empty network name or ID")
)

var networkName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// Networks keeps network definitions as DIR/NAME.json.
type Networks struct{ dir string }

// OpenNetworks uses dir (e.g. $XDG_CONFIG_HOME/husk/networks, or under the
// store's graph root), creating it.
func OpenNetworks(dir string) (*Networks, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create network directory: %w", err)
	}
	return &Networks{dir: dir}, nil
}

// Create defines a network. Names of the built-in modes are reserved.
func (s *Networks) Create(name string, o NetworkOptions) (Network, error) {
	switch {
	case strings.TrimSpace(name) == "":
		return Network{}, ErrEmptyName
	case !networkName.MatchString(name) || len(name) > 64:
		return Network{}, fmt.Errorf("network name %q: use letters, digits, '_', '.', '-' (up to 64)", name)
	case name == ModeNone || name == ModeHost || name == ModePrivate || name == ModePasta || name == ModeSlirp || name == "bridge" || name == "container" || name == "ns":
		return Network{}, fmt.Errorf("network name %q: %w", name, ErrNetworkReserved)
	}
	existing, err := s.List()
	if err != nil {
		return Network{}, err
	}
	for _, n := range existing {
		if n.Name == name {
			return Network{}, fmt.Errorf("network %q: %w", name, ErrNetworkExists)
		}
	}
	subnet, gw, err := chooseSubnet(o, existing, hostRoutes())
	if err != nil {
		return Network{}, err
	}
	n := Network{Name: name, ID: randomID(), Driver: "bridge", Subnet: subnet.String(), Gateway: gw.String(),
		Internal: o.Internal, DNS: true, Labels: o.Labels, Created: time.Now().UTC()}
	b, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return Network{}, err
	}
	path := filepath.Join(s.dir, name+".json")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return Network{}, fmt.Errorf("network %q: %w", name, ErrNetworkExists)
		}
		return Network{}, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return Network{}, err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return Network{}, err
	}
	return n, nil
}

// List returns all definitions, the built-in default network among them,
// by name.
func (s *Networks) List() ([]Network, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	def := DefaultNetwork()
	def.Created = time.Now().UTC() // as podman shows its default network
	out := []Network{def}
	for _, e := range entries {
		// A definition named as the default one (made before it was
		// built in) is shadowed by it.
		if !strings.HasSuffix(e.Name(), ".json") || e.Name() == DefaultNetworkName+".json" {
			continue
		}
		n, err := s.read(strings.TrimSuffix(e.Name(), ".json"))
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Get finds a network by name or ID prefix.
func (s *Networks) Get(nameOrID string) (Network, error) {
	if strings.TrimSpace(nameOrID) == "" {
		return Network{}, ErrEmptyName
	}
	all, err := s.List()
	if err != nil {
		return Network{}, err
	}
	var found []Network
	for _, n := range all {
		if n.Name == nameOrID {
			return n, nil
		}
		if len(nameOrID) >= 3 && strings.HasPrefix(n.ID, nameOrID) {
			found = append(found, n)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if len(found) > 1 {
		return Network{}, fmt.Errorf("network ID prefix %q is ambiguous", nameOrID)
	}
	return Network{}, fmt.Errorf("network %q: %w", nameOrID, ErrNoSuchNetwork)
}

// Remove deletes a definition. The caller checks that no container uses
// it (containers are not this package's). The default network is built
// in and cannot be removed.
func (s *Networks) Remove(nameOrID string) (Network, error) {
	n, err := s.Get(nameOrID)
	if err != nil {
		return n, err
	}
	if IsDefaultNetwork(n) {
		return n, ErrDefaultNetwork
	}
	if err := os.Remove(filepath.Join(s.dir, n.Name+".json")); err != nil {
		return n, fmt.Errorf("remove network %q: %w", n.Name, err)
	}
	return n, nil
}

func (s *Networks) read(name string) (Network, error) {
	var n Network
	b, err := os.ReadFile(filepath.Join(s.dir, name+".json"))
	if err != nil {
		return n, err
	}
	if err := json.Unmarshal(b, &n); err != nil {
		return n, fmt.Errorf("network %q: %w", name, err)
	}
	return n, nil
}

// chooseSubnet validates a requested subnet or picks the first free
// 10.89.N.0/24 that overlaps neither another network nor a host route.
func chooseSubnet(o NetworkOptions, existing []Network, routes []Route) (*net.IPNet, net.IP, error) {
	var taken []*net.IPNet
	for _, n := range existing {
		if _, sn, err := net.ParseCIDR(n.Subnet); err == nil {
			taken = append(taken, sn)
		}
	}
	for _, r := range routes {
		taken = append(taken, r.Net)
	}
	var subnet *net.IPNet
	if o.Subnet != "" {
		ip, sn, err := net.ParseCIDR(o.Subnet)
		if err != nil || ip.To4() == nil {
			return nil, nil, setting.Errorf("{subnet} %q: want an IPv4 CIDR such as 10.90.0.0/24", o.Subnet)
		}
		if ones, _ := sn.Mask.Size(); ones > 30 {
			return nil, nil, setting.Errorf("{subnet} %q: too small (at most /30)", o.Subnet)
		}
		if err := checkSubnet(o.Subnet, sn, existing, routes); err != nil {
			return nil, nil, err
		}
		subnet = sn
	} else {
	next:
		for i := 0; i < 256; i++ {
			_, sn, _ := net.ParseCIDR(fmt.Sprintf("10.89.%d.0/24", i))
			for _, t := range taken {
				if overlaps(sn, t) {
					continue next
				}
			}
			subnet = sn
			break
		}
		if subnet == nil {
			return nil, nil, setting.Errorf("no free subnet in 10.89.0.0/16: give {subnet}")
		}
	}
	var gw net.IP
	if o.Gateway != "" {
		gw = net.ParseIP(o.Gateway).To4()
		if gw == nil || !subnet.Contains(gw) {
			return nil, nil, setting.Errorf("{gateway} %q: not an address in %s", o.Gateway, subnet)
		}
		if gw.Equal(subnet.IP) || gw.Equal(broadcast(subnet)) {
			return nil, nil, setting.Errorf("{gateway} %q: the network's own or broadcast address; choose a host address in %s", o.Gateway, subnet)
		}
	} else {
		gw = append(net.IP(nil), subnet.IP.To4()...)
		gw[3]++
	}
	return subnet, gw, nil
}

func overlaps(a, b *net.IPNet) bool { return a.Contains(b.IP) || b.Contains(a.IP) }

// broadcast is the last address of an IPv4 subnet.
func broadcast(n *net.IPNet) net.IP {
	ip := append(net.IP(nil), n.IP.To4()...)
	for i := range ip {
		ip[i] |= ^n.Mask[len(n.Mask)-4+i]
	}
	return ip
}

func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}
