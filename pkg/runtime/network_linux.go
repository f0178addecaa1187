package runtime

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// netRunDir holds the network namespaces and helper state of containers.
func netRunDir(env Env) string { return filepath.Join(env.Store.RunRoot, netRunName) }

const netRunName = "husk-netns"

// NetworksDir holds the user network definitions of the store at
// graphRoot (husk network create).
func NetworksDir(graphRoot string) string { return filepath.Join(graphRoot, "husk-networks") }

// userNetwork finds the definition of a user network.
func userNetwork(env Env, name string) (netns.Network, error) {
	nets, err := netns.OpenNetworks(NetworksDir(env.Store.GraphRoot))
	if err != nil {
		return netns.Network{}, err
	}
	n, err := nets.Get(name)
	if err != nil {
		return n, setting.Errorf("{network} %s: %w (husk network create %s)", name, err, name)
	}
	return n, nil
}

// ReleaseNetworks removes the user networks' rootless namespace and its
// helpers when no container is attached (system reset, after removing the
// containers).
func ReleaseNetworks(env Env) error { return netns.ReleaseUser(netRunDir(env)) }

// ReleaseNetworksIn is ReleaseNetworks for the store whose run root is
// runRoot (network rm and prune, which open no store).
func ReleaseNetworksIn(runRoot string) error {
	return netns.ReleaseUser(filepath.Join(runRoot, netRunName))
}

// netPlan is what Start needs of the container's network.
type netPlan struct {
	attachment *netns.Attachment
	// nsPath is the network namespace to join ("" for a new empty one, or
	// none with the host network).
	nsPath string
	info   netns.Info
	// shareFrom is the directory of the container whose network is joined.
	shareFrom string
	// usernsPath is the user namespace the container joins ("" for a new
	// one, or none): the owner of nsPath, for a container with a user
	// namespace of its own (see netns.UserNS).
	usernsPath string
	// preparing: the bundle is written for create (Prepare), not to
	// start: other containers whose namespaces it joins may be stopped.
	preparing bool
}

// keepIDJoinError refuses a keep-id container joining the network of one
// in husk's user namespace: that network namespace is out of reach from
// the keep-id container's own user namespace, so exec would fail.
func keepIDJoinError(name, other string) error {
	return setting.Errorf("%s ({userns=keep-id}) cannot join the network of container %s, which has no user namespace of its own: run %s with {userns=keep-id} as well, or drop keep-id", name, other, other)
}

// keepIDUserNS is the user namespace a keep-id container's network
// namespace is made in (nil for other containers).
func keepIDUserNS(env Env, c *Container) *netns.UserNS {
	if !c.Config.ownUserNS() {
		return nil
	}
	uidMap, gidMap := userNSMaps(env, &c.Config)
	conv := func(m []spec.IDMap) []syscall.SysProcIDMap {
		var out []syscall.SysProcIDMap
		for _, e := range m {
			out = append(out, syscall.SysProcIDMap{ContainerID: int(e.ContainerID), HostID: int(e.HostID), Size: int(e.Size)})
		}
		return out
	}
	return &netns.UserNS{UIDMap: conv(uidMap), GIDMap: conv(gidMap)}
}

// normalizeNetwork completes a network request at create time: the mode
// (older records and callers only set Network), container:NAME resolved
// to the other container's ID, -P expanded against the image's exposed
// ports, and free host ports chosen.
func normalizeNetwork(env Env, cfg *Config, exposed map[string]struct{}) error {
	n := &cfg.Net
	n.Mode = cfg.NetworkMode()
	if name, ok := strings.CutPrefix(n.Mode, netns.ContainerPrefix); ok {
		other, err := Lookup(env.Store, name)
		if err != nil {
			return setting.Errorf("{network} %s: %w", n.Mode, err)
		}
		if cfg.ownUserNS() && !other.Config.ownUserNS() {
			return keepIDJoinError(cfg.Name, other.Name)
		}
		n.Mode = netns.ContainerPrefix + other.ID
	}
	if netns.IsUserNetwork(n.Mode) {
		nw, err := userNetwork(env, n.Mode)
		if err != nil {
			return err
		}
		n.Mode = nw.Name // an ID prefix becomes the name
	}
	if n.PublishAll {
		all, err := netns.ExposedToPorts(exposed)
		if err != nil {
			return err
		}
		n.Ports = netns.MergePorts(n.Ports, all)
	}
	if len(n.Ports) > 0 {
		ports, err := netns.AssignHostPorts(n.Ports)
		if err != nil {
			return err
		}
		n.Ports = ports
	}
	return nil
}

// onDefaultBridge reports whether the container goes on the built-in
// default network (a bridge in the rootless namespace, one pasta for all
// containers): it asks for the default and the host can run it; else it
// gets a private namespace with a helper of its own.
func onDefaultBridge(n netns.Config) bool {
	return n.UsesDefaultNetwork() && netns.DefaultNetworkProblem() == ""
}

// prepareNetwork sets up the container's network up to the point where
// the runtime can create the container: a private namespace with its
// helper starting (Ready waits for it), or the namespace of the container
// it joins. Published ports are checked first.
func prepareNetwork(ctx context.Context, env Env, c *Container) (netPlan, error) {
	n := c.Config.Net
	n.Mode = c.Config.NetworkMode()
	switch {
	case netns.IsUserNetwork(n.Mode) || onDefaultBridge(n):
		if err := netns.CheckPorts(n.Ports); err != nil {
			return netPlan{}, err
		}
		nw, err := netns.DefaultNetwork(), error(nil)
		if netns.IsUserNetwork(n.Mode) {
			nw, err = userNetwork(env, n.Mode)
		}
		if err != nil {
			return netPlan{}, err
		}
		o := netns.UserAttachOptions{Name: c.Name, Aliases: n.Aliases, Ports: n.Ports, UserNS: keepIDUserNS(env, c)}
		if env.Cgroups != nil {
			o.Cgroup = env.Cgroups.HelperDir()
		}
		a, err := netns.AttachUser(ctx, netRunDir(env), c.ID, nw, o)
		if err != nil {
			return netPlan{}, err
		}
		return netPlan{attachment: a, nsPath: a.NetnsPath(), info: a.Info(), usernsPath: a.UsernsPath()}, nil
	case n.UsesNamespace():
		if err := netns.CheckPorts(n.Ports); err != nil {
			return netPlan{}, err
		}
		a, err := netns.Attach(ctx, netRunDir(env), c.ID, n, keepIDUserNS(env, c))
		if err != nil {
			return netPlan{}, err
		}
		return netPlan{attachment: a, nsPath: a.NetnsPath(), info: a.Info(), usernsPath: a.UsernsPath()}, nil
	case strings.HasPrefix(n.Mode, netns.ContainerPrefix):
		id := strings.TrimPrefix(n.Mode, netns.ContainerPrefix)
		other, err := Lookup(env.Store, id)
		if err != nil {
			return netPlan{}, fmt.Errorf("the container whose network %s joins: %w", c.Name, err)
		}
		if err := Refresh(env, other); err != nil {
			return netPlan{}, err
		}
		if !other.Alive() {
			return netPlan{}, fmt.Errorf("%s joins the network of container %s, which is not running: start it first", c.Name, other.Name)
		}
		info := netns.ModeInfo(n.Mode)
		if other.State.Net != nil {
			info = *other.State.Net
		}
		plan := netPlan{nsPath: filepath.Join("/proc", strconv.Itoa(other.State.Pid), "ns", "net"), info: info, shareFrom: other.Dir}
		if c.Config.ownUserNS() {
			// The network namespace belongs to the other container's user
			// namespace: join that one too, or exec could not enter it.
			if !other.Config.ownUserNS() {
				return netPlan{}, keepIDJoinError(c.Name, other.Name)
			}
			plan.usernsPath = filepath.Join("/proc", strconv.Itoa(other.State.Pid), "ns", "user")
		}
		return plan, nil
	default:
		return netPlan{info: netns.ModeInfo(n.Mode)}, nil
	}
}
