package netns

// Connecting a running container to a further bridge network, and
// disconnecting it, as podman's network connect|disconnect do: a veth pair
// plugged into (or pulled out of) the container's namespace while it runs,
// under the same lock and state as AttachUser, so that the DNS server
// answers (or stops answering) its names on that network at once.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
)

// ErrNoNamespace is returned for connecting a container whose network
// namespace is not one of husk's (none, host, container:NAME) or is gone.
var ErrNoNamespace = errors.New("container has no network namespace of husk's")

// ConnectUser puts running container id, attached by AttachUser, on
// bridge network nw as well: an interface ethN (the first free N) with an
// address from nw's subnet. Aliases and Cgroup of o are used (Name is the
// container's name on nw). On error nothing is left.
func ConnectUser(ctx context.Context, runDir, id string, nw Network, o UserAttachOptions) (Endpoint, error) {
	if o.Exe == "" {
		exe, err := os.Executable()
		if err != nil {
			return Endpoint{}, fmt.Errorf("find husk's executable: %w", err)
		}
		o.Exe = exe
	}
	cpath := NetnsPath(runDir, id)
	if _, err := os.Stat(cpath); err != nil {
		return Endpoint{}, ErrNoNamespace
	}
	var ep Endpoint
	err := withUserLock(runDir, func() (err error) {
		var waits []func() error
		defer func() {
			for _, w := range waits {
				if werr := w(); werr != nil && err == nil {
					err = werr
				}
			}
		}()
		st, hr, err := openRootless(ctx, runDir, o.Cgroup, &waits)
		if err != nil {
			return err
		}
		defer hr.Close()
		hc, err := handleIn(cpath)
		if err != nil {
			return err
		}
		defer hc.Close()
		iface, err := freeIface(hc)
		if err != nil {
			return err
		}
		ip, err := join(ctx, hr, hc, runDir, st, id, nw, iface, o, &waits)
		if err != nil {
			undoJoin(hr, runDir, st, id, nw, iface)
			return err
		}
		if err := st.write(filepath.Join(runDir, userStateFile)); err != nil {
			unplug(hr, st, nw.Name, id)
			return err
		}
		ep = Endpoint{Network: nw.Name, Interface: iface, IP: ip.String()}
		return nil
	})
	return ep, err
}

// undoJoin removes what a failed join left: the veth pair, and the bridge
// it made for no other member.
func undoJoin(hr *netlink.Handle, runDir string, st *userState, id string, nw Network, iface string) {
	if veth, _, err := vethNames(id, iface); err == nil {
		if l, err := hr.LinkByName(veth); err == nil {
			_ = hr.LinkDel(l)
		}
	}
	if ns := st.Networks[nw.Name]; ns != nil && ns.ID == nw.ID && len(ns.Members) == 0 && !IsDefaultNetwork(nw) {
		_ = removeBridge(runDir, st, nw.Name)
	}
	_ = st.write(filepath.Join(runDir, userStateFile))
}

// freeIface is the first ethN the namespace of hc has not.
func freeIface(hc *netlink.Handle) (string, error) {
	for n := 0; n < 36; n++ {
		name := fmt.Sprintf("eth%d", n)
		_, err := hc.LinkByName(name)
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) {
			return name, nil
		}
		if err != nil {
			return "", fmt.Errorf("interface %s of the container: %w", name, err)
		}
	}
	return "", errors.New("the container has 36 interfaces: husk gives a container at most 36 networks")
}

// unplug removes container id's veth on network name and its member
// entry (not the state file's copy: the caller writes st).
func unplug(hr *netlink.Handle, st *userState, name, id string) {
	ns := st.Networks[name]
	if ns == nil || ns.Members[id] == nil {
		return
	}
	if l, err := hr.LinkByName(ns.Members[id].Veth); err == nil {
		_ = hr.LinkDel(l)
	}
	delete(ns.Members, id)
}

// DisconnectUser takes running container id off bridge network name: its
// interface there is removed (both ends of the veth pair), its names no
// longer resolve there, and the network's bridge goes when it was the last
// member (the default network's stays). The rootless namespace stays while
// the container runs, even on no network: Detach releases it.
func DisconnectUser(runDir, id, name string) error {
	statePath := filepath.Join(runDir, userStateFile)
	return withUserLock(runDir, func() error {
		st, err := readUserState(statePath)
		if err != nil {
			return err
		}
		ns := st.Networks[name]
		if ns == nil || ns.Members[id] == nil {
			return nil // nothing plugged: the record alone is changed
		}
		if rootlessAlive(runDir) {
			hr, err := handleIn(NetnsPath(runDir, userNetID))
			if err != nil {
				return err
			}
			unplug(hr, st, name, id)
			hr.Close()
		} else {
			delete(ns.Members, id)
		}
		if len(ns.Members) == 0 && ns.ID != DefaultNetworkID && rootlessAlive(runDir) {
			if err := removeBridge(runDir, st, name); err != nil {
				return err
			}
		}
		return st.write(statePath)
	})
}

// UserEndpoints are running container id's interfaces on bridge networks
// as the user network state has them now (live connects and disconnects
// included), by interface number; nil when it is on none.
func UserEndpoints(runDir, id string) []Endpoint {
	st, err := readUserState(filepath.Join(runDir, userStateFile))
	if err != nil {
		return nil
	}
	var out []Endpoint
	for _, name := range st.memberships(id) {
		m := st.Networks[name].Members[id]
		iface := m.Iface
		if iface == "" {
			iface = "eth0"
		}
		out = append(out, Endpoint{Network: name, Interface: iface, IP: m.IP, Aliases: m.Aliases})
	}
	sort.Slice(out, func(i, j int) bool { return ifaceNum(out[i].Interface) < ifaceNum(out[j].Interface) })
	return out
}

func ifaceNum(iface string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(iface, "eth"))
	if err != nil {
		return 1 << 30
	}
	return n
}

// UserInfo is base (what AttachUser gave running container id) brought up
// to date with its networks now: its interfaces, its first address, and
// as resolvers the gateways of its networks with DNS, else the upstream
// ones (what a container on the default network alone uses).
func UserInfo(runDir, id string, base Info) Info {
	st, err := readUserState(filepath.Join(runDir, userStateFile))
	if err != nil {
		return base
	}
	info := base
	info.Networks = UserEndpoints(runDir, id)
	info.IP, info.DNS, info.Search = "", nil, nil
	if len(info.Networks) > 0 {
		info.IP = info.Networks[0].IP
	}
	for _, ep := range info.Networks {
		if ns := st.Networks[ep.Network]; ns != nil && ns.DNS {
			info.DNS = append(info.DNS, ns.Gateway)
			info.Search = []string{DNSDomain}
		}
	}
	if info.DNS == nil {
		info.DNS = st.Upstream
	}
	return info
}
