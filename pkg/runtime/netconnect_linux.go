package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/netns"
)

// ErrNotConnected is returned for disconnecting a container from a
// network it is not on.
var ErrNotConnected = errors.New("container is not connected to the network")

// Connect puts container c on bridge network name (network connect) as
// well, as podman does with its bridge networks: a stopped container gets
// an interface there at its next start, a running one at once
// (netns.ConnectUser); either way the record keeps it for later starts.
// aliases are further DNS names of c on that network. A stopped container
// on no network (none) joins name alone; other modes (host, pasta,
// slirp4netns, container:NAME) are refused in podman's words.
func Connect(ctx context.Context, env Env, c *Container, name string, aliases []string) error {
	nw, err := userNetwork(env, name)
	if err != nil {
		return err
	}
	if len(aliases) > 0 && !nw.DNS {
		return setting.Errorf("{alias}: network %s has no DNS, so its containers have no names there: use a network made by husk network create", nw.Name)
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.Reload(); err != nil {
		return err
	}
	n := &c.Config.Net
	n.Mode = c.Config.NetworkMode()
	nets := n.BridgeNetworks()
	alive := c.Alive()
	switch {
	case slices.Contains(nets, nw.Name):
		return fmt.Errorf("container %s is already connected to network %s", c.Name, nw.Name)
	case nets == nil && (n.Mode != netns.ModeNone || alive && !liveBridge(env, c)):
		// podman's words for a mode that is no bridge network.
		return fmt.Errorf("%q is not supported: invalid network mode: connect works for containers on bridge networks (podman, or made by husk network create) and for stopped ones on none", shownMode(n.Mode))
	case len(nets) > 0 && nets[0] == netns.DefaultNetworkName && netns.DefaultNetworkProblem() != "":
		return fmt.Errorf("%q is not supported: invalid network mode: the container gets a private pasta network here, as %s", "pasta", netns.DefaultNetworkProblem())
	case alive && !liveBridge(env, c):
		return fmt.Errorf("container %s is running without a network namespace of husk's bridges (it started before this one was made): restart it, then connect it", c.Name)
	}
	if alive {
		o := netns.UserAttachOptions{Name: c.Name, Aliases: map[string][]string{nw.Name: aliases}}
		if env.Cgroups != nil {
			o.Cgroup = env.Cgroups.HelperDir()
		}
		if _, err := netns.ConnectUser(ctx, netRunDir(env), c.ID, nw, o); err != nil {
			return fmt.Errorf("connect container %s to network %s: %w", c.Name, nw.Name, err)
		}
	}
	if len(aliases) > 0 {
		if n.Aliases == nil {
			n.Aliases = map[string][]string{}
		}
		n.Aliases[nw.Name] = aliases
	}
	n.SetBridgeNetworks(append(nets, nw.Name))
	c.Config.OldNetwork = ""
	if err := c.Save(); err != nil {
		if alive {
			_ = netns.DisconnectUser(netRunDir(env), c.ID, nw.Name)
		}
		return err
	}
	if alive {
		return rewriteNetEtc(env, c)
	}
	return nil
}

// liveBridge reports whether running container c was put on its bridge
// networks by husk (netns.AttachUser), so that interfaces can be added to
// its namespace and removed.
func liveBridge(env Env, c *Container) bool {
	if c.State.Net == nil || c.State.Net.Mode != netns.ModeBridge && !netns.IsUserNetwork(c.State.Net.Mode) {
		return false
	}
	_, err := os.Stat(netns.NetnsPath(netRunDir(env), c.ID))
	return err == nil
}

// Disconnect takes container c off bridge network name: a running one
// loses its interface there at once (netns.DisconnectUser), and no later
// start puts it back. Off its last network, c is on none, as podman leaves
// it (podman still calls the mode bridge, with no network).
func Disconnect(env Env, c *Container, name string) error {
	nw, err := userNetwork(env, name)
	if err != nil {
		return err
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.Reload(); err != nil {
		return err
	}
	n := &c.Config.Net
	n.Mode = c.Config.NetworkMode()
	nets := n.BridgeNetworks()
	if !slices.Contains(nets, nw.Name) {
		return fmt.Errorf("%w: container %s is not connected to network %s", ErrNotConnected, c.Name, nw.Name)
	}
	if c.Alive() {
		if !liveBridge(env, c) {
			mode := n.Mode
			if c.State.Net != nil {
				mode = c.State.Net.Mode
			}
			return fmt.Errorf("%q is not supported: invalid network mode: container %s runs on a private network of its own", shownMode(mode), c.Name)
		}
		if err := netns.DisconnectUser(netRunDir(env), c.ID, nw.Name); err != nil {
			return fmt.Errorf("disconnect container %s from network %s: %w", c.Name, nw.Name, err)
		}
	}
	n.SetBridgeNetworks(slices.DeleteFunc(nets, func(s string) bool { return s == nw.Name }))
	c.Config.OldNetwork = ""
	if err := c.Save(); err != nil {
		return err
	}
	if c.Alive() {
		return rewriteNetEtc(env, c)
	}
	return nil
}

func shownMode(mode string) string {
	if name, ok := strings.CutPrefix(mode, netns.ContainerPrefix); ok {
		return netns.ContainerPrefix + short(name)
	}
	return mode
}

// Endpoints are running container c's interfaces on bridge networks as
// they are now (live connects included), in interface order; nil for a
// stopped container or one on no bridge network.
func Endpoints(runRoot string, c *Container) []netns.Endpoint {
	if c.State.Status != StatusRunning || c.State.Net == nil {
		return nil
	}
	return netns.UserEndpoints(filepath.Join(runRoot, netRunName), c.ID)
}

// ReloadNetwork checks that a running container's network still serves it
// (network reload). husk's ports are forwarded by the container's own
// helper (pasta, slirp4netns or husk's forwarder), not by firewall rules
// that a firewall reload could flush, so there is nothing to re-apply:
// a helper that is gone is reported, to be fixed by restarting the
// container.
func ReloadNetwork(env Env, c *Container) error {
	if err := Refresh(env, c); err != nil {
		return err
	}
	if !c.Alive() {
		return fmt.Errorf("%w: %s: network reload is for running containers", ErrNotRunning, c.Name)
	}
	mode := c.Config.NetworkMode()
	if !c.Config.Net.UsesNamespace() || netns.IsUserNetwork(mode) || c.State.Net != nil && c.State.Net.Mode == netns.ModeBridge {
		return nil // host, none, container:X, bridges: nothing of its own to check
	}
	pid := netns.HelperPid(netRunDir(env), c.ID)
	if pid <= 0 {
		return fmt.Errorf("container %s: its network helper is gone: restart the container (husk restart %s)", c.Name, c.Name)
	}
	return nil
}

// rewriteNetEtc writes running container c's /etc/hosts and
// /etc/resolv.conf again for its bridge networks as they are now (after
// network connect or disconnect), as podman does: in place, so the bind
// mounts in the container show the new contents.
func rewriteNetEtc(env Env, c *Container) error {
	if c.State.Net == nil {
		return nil
	}
	info := netns.UserInfo(netRunDir(env), c.ID, *c.State.Net)
	hostname, err := containerHostname(c)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"hosts":       netns.Hosts(c.Config.Net, hostname, info),
		"resolv.conf": netns.ResolvConf(c.Config.Net, info),
	}
	for _, name := range []string{"hosts", "resolv.conf"} {
		if err := os.WriteFile(filepath.Join(c.Dir, name), files[name], 0o644); err != nil {
			return fmt.Errorf("rewrite %s of container %s: %w", name, c.Name, err)
		}
	}
	return nil
}
