package netns

// The state of the user's running user networks, kept in RUNDIR/usernet.json
// under RUNDIR/usernet.lock: which bridges exist in the rootless namespace,
// and which containers are attached, with their addresses. It is at once
// the address allocator (IPAM), the reference count that decides when the
// rootless namespace goes, and the DNS server's records.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
)

// DNSDomain is the domain under which container names also resolve (the
// first search domain of a user-network container's resolv.conf).
const DNSDomain = "dns.husk"

// userState is RUNDIR/usernet.json.
type userState struct {
	// HostAddr reaches the host from the rootless namespace (pasta's
	// mapped gateway), for host.containers.internal.
	HostAddr string `json:"hostAddr,omitempty"`
	// Upstream are the resolvers the DNS server forwards other names to.
	Upstream []string             `json:"upstream,omitempty"`
	Networks map[string]*netState `json:"networks"`
	// UserNS is the inode of the user namespace the rootless namespace
	// belongs to (see staleUserNS).
	UserNS uint64 `json:"userns,omitempty"`
	// IdleUntil (Unix ns) is when the rootless namespace goes, once it has
	// no member; WakeAt is when its waiter wakes (linger_linux.go).
	IdleUntil int64 `json:"idleUntil,omitempty"`
	WakeAt    int64 `json:"wakeAt,omitempty"`
	// Cgroup is the cgroup v2 directory its helpers are born in ("": the
	// cgroup of the command that started them).
	Cgroup string `json:"cgroup,omitempty"`
}

// netState is one network's bridge and members.
type netState struct {
	ID       string `json:"id"`
	Subnet   string `json:"subnet"`
	Gateway  string `json:"gateway"`
	Bridge   string `json:"bridge"`
	Internal bool   `json:"internal,omitempty"`
	// DNS: the network's names are served by husk's DNS server.
	DNS     bool               `json:"dns,omitempty"`
	Members map[string]*member `json:"members"` // by container ID
	// Last is the address given out last: allocIP goes on after it.
	Last string `json:"last,omitempty"`
}

// member is an attached container.
type member struct {
	Name string `json:"name"`
	// Aliases are more names it resolves by (--network-alias).
	Aliases []string `json:"aliases,omitempty"`
	IP      string   `json:"ip"`
	Veth    string   `json:"veth"` // the end on the bridge
}

func readUserState(path string) (*userState, error) {
	st := &userState{Networks: map[string]*netState{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if st.Networks == nil {
		st.Networks = map[string]*netState{}
	}
	return st, nil
}

// write replaces the file atomically: the DNS server reads it without the
// lock.
func (st *userState) write(path string) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// members counts the attached containers of all networks.
func (st *userState) members() int {
	n := 0
	for _, ns := range st.Networks {
		n += len(ns.Members)
	}
	return n
}

// find returns the network and entry of container id.
func (st *userState) find(id string) (string, *member) {
	for name, ns := range st.Networks {
		if m, ok := ns.Members[id]; ok {
			return name, m
		}
	}
	return "", nil
}

// allocIP gives the next address after the last one given out (round
// robin, from the lowest) that is not the network address, the gateway,
// the broadcast address or a member's. An address freed a moment ago is
// not given out again at once: the veth of the container that had it may
// still be on the bridge while the kernel destroys its namespace.
func (ns *netState) allocIP() (net.IP, error) {
	_, sn, err := net.ParseCIDR(ns.Subnet)
	if err != nil {
		return nil, fmt.Errorf("network subnet %q: %w", ns.Subnet, err)
	}
	ones, bits := sn.Mask.Size()
	if bits != 32 {
		return nil, fmt.Errorf("network subnet %q: only IPv4 is supported", ns.Subnet)
	}
	taken := map[string]bool{ns.Gateway: true}
	for _, m := range ns.Members {
		taken[m.IP] = true
	}
	base := binary.BigEndian.Uint32(sn.IP.To4())
	size := uint32(1) << (32 - ones)
	start := uint32(0)
	if last := net.ParseIP(ns.Last).To4(); last != nil && sn.Contains(last) {
		start = binary.BigEndian.Uint32(last) - base
	}
	for i := uint32(1); i < size-1; i++ {
		off := (start+i-1)%(size-2) + 1
		ip := make(net.IP, 4)
		binary.BigEndian.PutUint32(ip, base+off)
		if !taken[ip.String()] {
			return ip, nil
		}
	}
	return nil, fmt.Errorf("network subnet %s has no free address", ns.Subnet)
}

// lookup answers a name for a client at src: the members of the network
// whose subnet holds src, by name, by ID (full or 12-character prefix), each
// also under DNSDomain. Names are case-insensitive; a trailing dot is
// ignored. It returns nil when the name is not a member's.
func (st *userState) lookup(src net.IP, name string) []net.IP {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	name = strings.TrimSuffix(name, "."+DNSDomain)
	if name == "" {
		return nil
	}
	var out []net.IP
	for _, ns := range st.Networks {
		_, sn, err := net.ParseCIDR(ns.Subnet)
		if err != nil || src == nil || !sn.Contains(src) {
			continue
		}
		ids := make([]string, 0, len(ns.Members))
		for id := range ns.Members {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			m := ns.Members[id]
			if m.answers(name) || id == name || len(name) == 12 && strings.HasPrefix(id, name) {
				if ip := net.ParseIP(m.IP).To4(); ip != nil {
					out = append(out, ip)
				}
			}
		}
	}
	return out
}

// answers tells whether the member has name (lower case) or an alias of
// that name.
func (m *member) answers(name string) bool {
	if strings.ToLower(m.Name) == name {
		return true
	}
	for _, a := range m.Aliases {
		if strings.ToLower(a) == name {
			return true
		}
	}
	return false
}
