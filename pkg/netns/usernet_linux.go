package netns

// User networks at run time. One "rootless" network namespace per user
// (RUNDIR/usernet/netns, made by Attach like a private network's, so pasta
// or slirp4netns gives it the outside) holds one bridge per user network in
// use, IP forwarding, source NAT to the namespace's own address (pasta only
// relays traffic from the address it configured), and the DNS server
// (`husk __netdns`). Each container gets its own namespace with one end of
// a veth pair as eth0; the other end is on the network's bridge. Published
// ports go through a per-container forwarder (`husk __netports`) that
// listens in husk's own network namespace (the host's) and connects from
// the rootless namespace to the container's address, as podman's
// rootlessport does; pasta's port set is fixed when it starts, so it cannot
// take ports of containers that start later.
//
// The rootless namespace is made by the first container that needs it and
// removed with the last one (the member count in RUNDIR/usernet.json,
// changed under RUNDIR/usernet.lock), so no process is left when no
// container runs. As root the same code runs: the rootless namespace is
// then simply a namespace of root's, served by pasta as well.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

const (
	userNetID     = "usernet"      // the rootless namespace's attachment, RUNDIR/usernet
	userStateFile = "usernet.json" // userState
	userLockFile  = "usernet.lock"
	dnsPidFile    = "dns.pid" // in RUNDIR/usernet
	dnsLogFile    = "dns.log"
	portsFile     = "ports.json" // in RUNDIR/ID: the forwarder's work
	// vethMTU matches pasta's tap device.
	vethMTU = 65520

	// Hidden husk commands that run the helpers.
	DNSCommand   = "__netdns"
	PortsCommand = "__netports"
)

// UserAttachOptions are what AttachUser needs besides the network.
type UserAttachOptions struct {
	// Name is the container's name (resolvable on the network).
	Name string
	// Aliases are more names it resolves by.
	Aliases []string
	// Ports are published through the forwarder (host ports assigned and
	// checked).
	Ports []PortMapping
	// Exe is the husk binary that runs the helpers (default: this one).
	Exe string
	// UserNS makes the container's namespace inside a user namespace of
	// its own (see UserNS); nil for none.
	UserNS *UserNS
	// Cgroup is the cgroup v2 directory the per-user namespace's helpers
	// are born in when this attach starts them ("": the caller's; see
	// startIn).
	Cgroup string
}

// AttachUser creates container id's network namespace on user network nw:
// RUNDIR/ID/netns with eth0 on nw's bridge in the rootless namespace (made
// first when missing), an address from nw's subnet, a default route through
// the gateway, the gateway as resolver, and the published ports'
// forwarder starting (Ready waits for it). Detach undoes all of it; on error
// nothing is left.
func AttachUser(ctx context.Context, runDir, id string, nw Network, o UserAttachOptions) (*Attachment, error) {
	if o.Exe == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("find husk's executable: %w", err)
		}
		o.Exe = exe
	}
	// A leftover of the same container is detached first (a member left
	// without its namespace directory is forgotten by the attach).
	if _, err := os.Lstat(filepath.Join(runDir, id)); err == nil {
		if err := Detach(runDir, id); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(runDir, 0o700); err != nil {
		return nil, fmt.Errorf("create network directory: %w", err)
	}
	a := &Attachment{dir: filepath.Join(runDir, id)}
	err := withUserLock(runDir, func() error {
		info, err := attachUserLocked(ctx, runDir, id, nw, o)
		a.info = info
		return err
	})
	if err == nil && len(o.Ports) > 0 {
		err = a.startForwarder(ctx, runDir, o)
	}
	if err != nil {
		_ = Detach(runDir, id)
		return nil, err
	}
	return a, nil
}

func withUserLock(runDir string, f func() error) error {
	lf, err := os.OpenFile(filepath.Join(runDir, userLockFile), os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return fmt.Errorf("lock user networks: %w", err)
	}
	defer lf.Close()
	if err := unix.Flock(int(lf.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("lock user networks: %w", err)
	}
	return f()
}

func attachUserLocked(ctx context.Context, runDir, id string, nw Network, o UserAttachOptions) (info Info, err error) {
	statePath := filepath.Join(runDir, userStateFile)
	st, err := readUserState(statePath)
	if err != nil {
		return Info{}, err
	}
	st.forgetGone(runDir)
	// The helpers start while the bridge and veth are made; they are
	// waited for before the lock is released, so that no other command
	// finds a half-made namespace.
	var waits []func() error
	defer func() {
		for _, w := range waits {
			if werr := w(); werr != nil && err == nil {
				info, err = Info{}, werr
			}
		}
	}()
	if !rootlessAlive(runDir) || st.staleUserNS() {
		var wait func() error
		if st, wait, err = remakeRootless(ctx, runDir, o.Cgroup); err != nil {
			return Info{}, err
		}
		waits = append(waits, wait)
	}
	hr, err := handleIn(NetnsPath(runDir, userNetID))
	if err != nil {
		return Info{}, err
	}
	defer hr.Close()
	ns, err := ensureBridge(hr, runDir, st, nw)
	if err != nil {
		return Info{}, err
	}
	if nw.DNS && dnsPid(runDir) == 0 {
		// Only networks with DNS need the server: the default network
		// costs no process of husk's.
		wait, err := startDNS(ctx, runDir, o.Exe, st.Cgroup)
		if err != nil {
			return Info{}, err
		}
		waits = append(waits, wait)
	}
	ip, err := ns.allocIP()
	if err != nil {
		return Info{}, err
	}
	dir := filepath.Join(runDir, id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Info{}, fmt.Errorf("create network directory: %w", err)
	}
	hc, err := makeNetnsHandle(dir, o.UserNS)
	if err != nil {
		return Info{}, err
	}
	defer hc.Close()
	veth := "hv" + shortID(id, 13)
	if err := plugVeth(hr, hc, NetnsPath(runDir, id), ns, veth, "hc"+shortID(id, 13), ip); err != nil {
		return Info{}, err
	}
	ns.Members[id] = &member{Name: o.Name, Aliases: o.Aliases, IP: ip.String(), Veth: veth}
	ns.Last = ip.String()
	if err := st.write(statePath); err != nil {
		return Info{}, err
	}
	if IsDefaultNetwork(nw) {
		// No DNS server: the resolver is the helper's (pasta's forwarder),
		// reached through the source NAT as the host is.
		return Info{Mode: ModeBridge, IP: ip.String(), HostAddr: st.HostAddr, DNS: st.Upstream}, nil
	}
	return Info{Mode: nw.Name, IP: ip.String(), HostAddr: st.HostAddr, DNS: []string{ns.Gateway}, Search: []string{DNSDomain}}, nil
}

// remakeRootless replaces what is left of the rootless namespace with a
// new one and a new state, its helpers born in cgroup ("": the caller's);
// wait waits for its helper.
func remakeRootless(ctx context.Context, runDir, cgroup string) (st *userState, wait func() error, err error) {
	if err := teardownRootless(runDir); err != nil {
		return nil, nil, err
	}
	st = &userState{Networks: map[string]*netState{}, UserNS: currentUserNS(), Cgroup: cgroup}
	wait, err = createRootless(ctx, runDir, st)
	if err == nil {
		err = st.write(filepath.Join(runDir, userStateFile))
	}
	if err != nil {
		_ = teardownRootless(runDir)
		return nil, nil, err
	}
	return st, wait, nil
}

// forgetGone drops the members whose namespace file is gone: they were not
// detached (a crash in between).
func (st *userState) forgetGone(runDir string) {
	for _, ns := range st.Networks {
		for mid := range ns.Members {
			if _, err := os.Stat(NetnsPath(runDir, mid)); err != nil {
				delete(ns.Members, mid)
			}
		}
	}
}

func shortID(id string, n int) string {
	if len(id) > n {
		return id[:n]
	}
	return id
}

// rootlessAlive reports whether the rootless namespace and its helper
// (pasta or slirp4netns) are there. The DNS server is checked apart: only
// networks with DNS need it.
//
// The namespace file must still be a namespace: in a mount namespace made
// after the pause process died, the file is there but its bind mount is
// not, and nothing could enter it; it is then rebuilt (the containers
// left on the old one lose the outside).
func rootlessAlive(runDir string) bool {
	var fs unix.Statfs_t
	if err := unix.Statfs(NetnsPath(runDir, userNetID), &fs); err != nil || fs.Type != unix.NSFS_MAGIC {
		return false
	}
	return HelperPid(runDir, userNetID) != 0
}

func dnsPid(runDir string) int {
	dir := filepath.Join(runDir, userNetID)
	pid, err := readPid(filepath.Join(dir, dnsPidFile))
	if err != nil || !isHelper(pid, filepath.Join(dir, nsFile)) {
		return 0
	}
	return pid
}

// createRootless makes the rootless namespace: Attach's namespace and
// helper, and forwarding on. The helper starts meanwhile; the returned
// wait waits for it. pasta gets -4 where IPv4 does (the networks are IPv4
// only): its IPv6 frame buffers are 9.7 MiB of its 29.
func createRootless(ctx context.Context, runDir string, st *userState) (wait func() error, err error) {
	cfg := Config{Mode: ModePrivate, cgroup: st.Cgroup}
	if h, err := ChooseHelper(ModePrivate); err == nil && h == ModePasta && ipv4Only() {
		cfg.HelperOpts = []string{"-4"}
	}
	a, err := Attach(ctx, runDir, userNetID, cfg, nil)
	if err != nil {
		return nil, err
	}
	st.HostAddr = a.info.HostAddr
	st.Upstream = a.info.DNS
	if st.Upstream == nil {
		host, _ := os.ReadFile("/etc/resolv.conf")
		st.Upstream = nameservers(host)
	}
	err = inNetns(NetnsPath(runDir, userNetID), func() error {
		if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1\n"), 0o644); err != nil {
			return fmt.Errorf("enable forwarding in the rootless network namespace: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.Ready, nil
}

// ipv4Only reports whether pasta can do without IPv6: the host has an
// IPv4 default route, and its first resolver (where pasta forwards DNS)
// is an IPv4 address.
func ipv4Only() bool {
	if ifname, _ := defaultRoute4(); ifname == "" {
		return false
	}
	host, _ := os.ReadFile("/etc/resolv.conf")
	for _, l := range strings.Split(string(host), "\n") {
		f := strings.Fields(l)
		if len(f) > 1 && f[0] == "nameserver" {
			return net.ParseIP(f[1]).To4() != nil
		}
	}
	return true
}

// startDNS starts the DNS server in the rootless namespace; the returned
// wait waits until it serves.
func startDNS(ctx context.Context, runDir, exe, cgroup string) (func() error, error) {
	dir := filepath.Join(runDir, userNetID)
	rpath := filepath.Join(dir, nsFile)
	var rd *os.File
	err := inNetns(rpath, func() error {
		// Started from this thread, the server lives in the rootless
		// namespace.
		var err error
		rd, err = startHelper(dir, dnsLogFile, dnsPidFile, "the DNS server", cgroup, exe, DNSCommand, filepath.Join(runDir, userStateFile), rpath)
		return err
	})
	if err != nil {
		return nil, err
	}
	return func() error {
		defer rd.Close()
		return waitReady(ctx, rd, "the DNS server", filepath.Join(dir, dnsLogFile))
	}, nil
}

// stopDNS ends the DNS server once no network with DNS has a bridge.
func stopDNS(runDir string, st *userState) {
	for _, ns := range st.Networks {
		if ns.DNS {
			return
		}
	}
	if pid := dnsPid(runDir); pid != 0 {
		_ = unix.Kill(pid, unix.SIGTERM)
	}
}

// currentUserNS is the inode of the user namespace husk runs in (0 if
// unknown).
func currentUserNS() uint64 {
	var s unix.Stat_t
	if unix.Stat("/proc/self/ns/user", &s) != nil {
		return 0
	}
	return s.Ino
}

// staleUserNS reports whether the rootless namespace belongs to another
// user namespace than husk's: the pause process died and a fresh one was
// made. Nothing can be plugged into it any more (EPERM): it is rebuilt.
func (st *userState) staleUserNS() bool {
	cur := currentUserNS()
	return st.UserNS != 0 && cur != 0 && st.UserNS != cur
}

// waitReady reads a helper's readiness line: "ok", or its error.
func waitReady(ctx context.Context, rd *os.File, what, log string) error {
	type result struct {
		line string
		err  error
	}
	c := make(chan result, 1)
	go func() {
		b := make([]byte, 4096)
		n, err := rd.Read(b)
		c <- result{strings.TrimSpace(string(b[:n])), err}
	}()
	select {
	case r := <-c:
		if r.line == "ok" {
			return nil
		}
		if r.line != "" {
			return errors.New(r.line)
		}
		return fmt.Errorf("%s: %s", what, helperMessage(log, errors.New("exited before it was ready")))
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(readyLimit):
		return fmt.Errorf("%s did not start within %v", what, readyLimit)
	}
}

func nameservers(resolv []byte) []string {
	var out []string
	for _, l := range strings.Split(string(resolv), "\n") {
		f := strings.Fields(l)
		if len(f) > 1 && f[0] == "nameserver" {
			out = append(out, f[1])
		}
	}
	return withoutLoopback(out)
}

// teardownRootless ends the DNS server, the helper and the waiter and
// removes the rootless namespace and the state.
func teardownRootless(runDir string) error {
	stopLinger(runDir)
	if pid := dnsPid(runDir); pid != 0 {
		_ = unix.Kill(pid, unix.SIGTERM)
	}
	if err := Detach(runDir, userNetID); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(runDir, userStateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// detachUser takes container id off its user network, and removes the
// rootless namespace when it was the last member (or, with a linger time,
// leaves it to the waiter). Nothing happens for a
// container that is on no user network.
//
// The veth pair is left to go with the container's namespace: deleting it
// here waits for the kernel (synchronize_net), and the round-robin
// allocator does not hand its address out again soon. A user network left
// without containers loses its bridge (its subnet may be given to another
// network once its definition is removed); the default network keeps its.
func detachUser(runDir, id string) error {
	if id == userNetID {
		return nil
	}
	statePath := filepath.Join(runDir, userStateFile)
	if _, err := os.Stat(statePath); err != nil {
		return nil
	}
	return withUserLock(runDir, func() error {
		st, err := readUserState(statePath)
		if err != nil {
			return err
		}
		name, m := st.find(id)
		if m == nil && (st.members() > 0 || lingerPid(runDir) != 0) {
			return nil
		}
		if m != nil {
			delete(st.Networks[name].Members, id)
		}
		d := lingerTime()
		if st.members() == 0 && (d <= 0 || !rootlessAlive(runDir)) {
			return teardownRootless(runDir)
		}
		if ns := st.Networks[name]; ns != nil && len(ns.Members) == 0 && ns.ID != DefaultNetworkID {
			if err := removeBridge(runDir, st, name); err != nil {
				return err
			}
		}
		if st.members() == 0 {
			// The namespace and its pasta wait for the next container
			// (linger_linux.go).
			if err := linger(runDir, st, d); err != nil {
				return teardownRootless(runDir)
			}
		}
		return st.write(statePath)
	})
}

// removeBridge removes the bridge of network name, which has no member
// left, its NAT rules and, when no network with DNS is left, the DNS
// server.
func removeBridge(runDir string, st *userState, name string) error {
	hr, err := handleIn(NetnsPath(runDir, userNetID))
	if err != nil {
		return err
	}
	defer hr.Close()
	if l, err := hr.LinkByName(st.Networks[name].Bridge); err == nil {
		_ = hr.LinkDel(l)
	}
	delete(st.Networks, name)
	if err := writeNAT(runDir, st); err != nil {
		return err
	}
	stopDNS(runDir, st)
	return nil
}

// inNetns runs f on a throwaway thread inside the namespace at path (a
// rootless process cannot go back to the host's namespace).
func inNetns(path string, f func() error) error {
	return onThrowawayThread(func() error {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open network namespace: %w", err)
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("enter network namespace %s: %w", path, err)
		}
		return f()
	})
}

// handleIn opens a netlink handle bound to the namespace at path; the
// handle's socket stays in that namespace whichever thread uses it.
func handleIn(path string) (*netlink.Handle, error) {
	var h *netlink.Handle
	err := inNetns(path, func() error {
		var err error
		h, err = netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			return fmt.Errorf("netlink: %w", err)
		}
		return nil
	})
	return h, err
}

// bridgeName is nw's bridge in the rootless namespace.
func bridgeName(nw Network) string { return "hk-" + shortID(nw.ID, 12) }

// BridgeName is nw's bridge in the rootless namespace (network inspect's
// network_interface).
func BridgeName(nw Network) string { return bridgeName(nw) }

// ensureBridge makes nw's bridge with the gateway address (and refreshes
// the NAT rules) unless it is there.
func ensureBridge(hr *netlink.Handle, runDir string, st *userState, nw Network) (*netState, error) {
	ns := st.Networks[nw.Name]
	if ns != nil && ns.ID != nw.ID {
		// The definition was removed and made again while the namespace
		// lived.
		if len(ns.Members) > 0 {
			return nil, fmt.Errorf("network %q was redefined while containers of its earlier definition run: stop them first", nw.Name)
		}
		if l, err := hr.LinkByName(ns.Bridge); err == nil {
			_ = hr.LinkDel(l)
		}
		ns = nil
	}
	if ns != nil {
		if _, err := hr.LinkByName(ns.Bridge); err == nil {
			return ns, nil
		}
	}
	_, sn, err := net.ParseCIDR(nw.Subnet)
	if err != nil {
		return nil, fmt.Errorf("network %q subnet %q: %w", nw.Name, nw.Subnet, err)
	}
	gw := net.ParseIP(nw.Gateway).To4()
	if gw == nil {
		return nil, fmt.Errorf("network %q: bad gateway %q", nw.Name, nw.Gateway)
	}
	name := bridgeName(nw)
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name, MTU: vethMTU}}
	if err := hr.LinkAdd(br); err != nil && !errors.Is(err, unix.EEXIST) {
		return nil, fmt.Errorf("create bridge %s: %w", name, err)
	}
	l, err := hr.LinkByName(name)
	if err != nil {
		return nil, fmt.Errorf("bridge %s: %w", name, err)
	}
	if err := hr.AddrReplace(l, &netlink.Addr{IPNet: &net.IPNet{IP: gw, Mask: sn.Mask}}); err != nil {
		return nil, fmt.Errorf("address of bridge %s: %w", name, err)
	}
	if err := hr.LinkSetUp(l); err != nil {
		return nil, fmt.Errorf("bridge %s up: %w", name, err)
	}
	members := map[string]*member{}
	if ns != nil {
		members = ns.Members
	}
	ns = &netState{ID: nw.ID, Subnet: sn.String(), Gateway: gw.String(), Bridge: name, Internal: nw.Internal, DNS: nw.DNS, Members: members}
	st.Networks[nw.Name] = ns
	if err := writeNAT(runDir, st); err != nil {
		return nil, err
	}
	return ns, nil
}

// natRules is the nftables table of the rootless namespace: source NAT of
// the networks' traffic that leaves through the helper's interface, and
// internal networks cut off from everything but their own bridge.
func natRules(st *userState) string {
	names := make([]string, 0, len(st.Networks))
	for n := range st.Networks {
		names = append(names, n)
	}
	sort.Strings(names)
	var subnets, drops []string
	for _, n := range names {
		ns := st.Networks[n]
		if ns.Internal {
			drops = append(drops,
				fmt.Sprintf("\t\tiifname %q oifname != %q drop\n", ns.Bridge, ns.Bridge),
				fmt.Sprintf("\t\toifname %q iifname != %q drop\n", ns.Bridge, ns.Bridge))
			continue
		}
		subnets = append(subnets, ns.Subnet)
	}
	var b bytes.Buffer
	b.WriteString("table ip husk {}\ndelete table ip husk\ntable ip husk {\n")
	b.WriteString("\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n")
	if len(subnets) > 0 {
		fmt.Fprintf(&b, "\t\tip saddr { %s } oifname != \"hk-*\" masquerade\n", strings.Join(subnets, ", "))
	}
	b.WriteString("\t}\n")
	b.WriteString("\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n")
	for _, d := range drops {
		b.WriteString(d)
	}
	b.WriteString("\t}\n}\n")
	return b.String()
}

// writeNAT loads natRules with nft, run inside the rootless namespace.
// Without nft, containers still reach each other and published ports,
// but not the outside.
func writeNAT(runDir string, st *userState) error {
	nft, err := exec.LookPath("nft")
	if err != nil {
		return nil
	}
	rules := natRules(st)
	return inNetns(NetnsPath(runDir, userNetID), func() error {
		cmd := exec.Command(nft, "-f", "-")
		cmd.Stdin = strings.NewReader(rules)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("nft in the rootless network namespace: %v: %s", err, strings.TrimSpace(string(out)))
		}
		return nil
	})
}

// makeNetnsHandle makes the container's namespace (makeNetns) and returns
// a netlink handle bound to it, with ping allowed without CAP_NET_RAW
// (ICMP datagram sockets), as podman allows: every group the user
// namespace maps, else root's. Without a user namespace of its own all
// of it happens on the one thread that made the namespace.
func makeNetnsHandle(dir string, u *UserNS) (*netlink.Handle, error) {
	var h *netlink.Handle
	inside := func() error {
		const f = "/proc/sys/net/ipv4/ping_group_range"
		if os.WriteFile(f, []byte("0 65535\n"), 0o644) != nil {
			_ = os.WriteFile(f, []byte("0 0\n"), 0o644)
		}
		var err error
		if h, err = netlink.NewHandle(unix.NETLINK_ROUTE); err != nil {
			return fmt.Errorf("netlink: %w", err)
		}
		return nil
	}
	var err error
	if u == nil {
		err = createNetnsWith(filepath.Join(dir, nsFile), inside)
	} else if err = makeNetns(dir, u); err == nil {
		err = inNetns(filepath.Join(dir, nsFile), inside)
	}
	if err != nil && h != nil {
		h.Close()
	}
	return h, err
}

// plugVeth connects the namespace at cpath (hc's) to ns's bridge: host
// end named veth on the bridge, the other end eth0 in the container with
// ip and a default route through the gateway.
func plugVeth(hr, hc *netlink.Handle, cpath string, ns *netState, veth, peer string, ip net.IP) error {
	br, err := hr.LinkByName(ns.Bridge)
	if err != nil {
		return fmt.Errorf("bridge %s: %w", ns.Bridge, err)
	}
	cf, err := os.Open(cpath)
	if err != nil {
		return fmt.Errorf("open network namespace: %w", err)
	}
	defer cf.Close()
	v := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: veth, MTU: vethMTU, MasterIndex: br.Attrs().Index, TxQLen: -1},
		PeerName:      peer,
		PeerMTU:       vethMTU,
		PeerTxQLen:    -1,
		PeerNamespace: netlink.NsFd(int(cf.Fd())),
	}
	err = hr.LinkAdd(v)
	if errors.Is(err, unix.EEXIST) {
		// Left by this container's earlier run, whose namespace the
		// kernel has not finished destroying.
		if old, lerr := hr.LinkByName(veth); lerr == nil {
			_ = hr.LinkDel(old)
		}
		err = hr.LinkAdd(v)
	}
	if err != nil {
		return fmt.Errorf("create veth %s: %w", veth, err)
	}
	hl, err := hr.LinkByName(veth)
	if err == nil {
		err = hr.LinkSetUp(hl)
	}
	if err != nil {
		return fmt.Errorf("veth %s up: %w", veth, err)
	}
	cl, err := hc.LinkByName(peer)
	if err != nil {
		return fmt.Errorf("veth %s in the container: %w", peer, err)
	}
	if err := hc.LinkSetName(cl, "eth0"); err != nil {
		return fmt.Errorf("rename %s to eth0: %w", peer, err)
	}
	_, sn, _ := net.ParseCIDR(ns.Subnet)
	if err := hc.AddrAdd(cl, &netlink.Addr{IPNet: &net.IPNet{IP: ip, Mask: sn.Mask}}); err != nil {
		return fmt.Errorf("address %s on eth0: %w", ip, err)
	}
	if err := hc.LinkSetUp(cl); err != nil {
		return fmt.Errorf("eth0 up: %w", err)
	}
	gw := net.ParseIP(ns.Gateway)
	if err := hc.RouteAdd(&netlink.Route{LinkIndex: cl.Attrs().Index, Gw: gw}); err != nil {
		return fmt.Errorf("default route via %s: %w", gw, err)
	}
	return nil
}

// startForwarder starts `husk __netports` for the published ports; Ready
// waits until it listens on all of them (or returns its error, which names
// the port).
func (a *Attachment) startForwarder(ctx context.Context, runDir string, o UserAttachOptions) error {
	work := portWork{Target: a.info.IP, Ports: o.Ports}
	b, err := json.Marshal(work)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(a.dir, portsFile), b, 0o600); err != nil {
		return err
	}
	rd, err := startHelper(a.dir, logFile, pidFile, "the port forwarder", "", o.Exe, PortsCommand, a.NetnsPath(), NetnsPath(runDir, userNetID), filepath.Join(a.dir, portsFile))
	if err != nil {
		return err
	}
	a.wait = func() error {
		defer rd.Close()
		return waitReady(ctx, rd, "the port forwarder", filepath.Join(a.dir, logFile))
	}
	return nil
}

// portWork is the forwarder's ports.json.
type portWork struct {
	Target string        `json:"target"`
	Ports  []PortMapping `json:"ports"`
}

// ReleaseUser removes the rootless namespace and its helpers when no
// container is attached any more (members whose namespace file is gone do
// not count): what a husk killed in the middle of AttachUser can leave.
// For system reset; Detach does the same for each container.
func ReleaseUser(runDir string) error {
	statePath := filepath.Join(runDir, userStateFile)
	if _, err := os.Stat(NetnsPath(runDir, userNetID)); err != nil {
		if _, err := os.Stat(statePath); err != nil {
			return nil
		}
	}
	return withUserLock(runDir, func() error {
		st, err := readUserState(statePath)
		if err != nil {
			return err
		}
		for _, ns := range st.Networks {
			for id := range ns.Members {
				if _, err := os.Stat(NetnsPath(runDir, id)); err == nil {
					return nil
				}
			}
		}
		return teardownRootless(runDir)
	})
}
