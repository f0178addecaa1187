package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/husk-dev/husk/pkg/netns"
)

// ErrNotConnected is returned for disconnecting a container from a
// network it is not on.
var ErrNotConnected = errors.New("container is not connected to the network")

// Connect puts the stopped container c on user network name (network
// connect). A husk container is on one network: connect moves one on
// the default network (private) to name; one on another user network is
// refused until it is disconnected. A running container is refused:
// husk wires a container's namespace when it starts (AttachUser), and
// has no way yet to add an interface to a running one.
func Connect(env Env, c *Container, name string) error {
	nw, err := userNetwork(env, name)
	if err != nil {
		return err
	}
	if netns.IsDefaultNetwork(nw) {
		return changeNetwork(env, c, func(mode string) (string, error) {
			switch {
			case mode == netns.ModePrivate && len(c.Config.Net.HelperOpts) == 0:
				return "", fmt.Errorf("container %s is already connected to network %s", c.Name, nw.Name)
			case mode != netns.ModeNone:
				return "", fmt.Errorf("container %s is on network %s, and a husk container is on one network: disconnect it first (husk network disconnect %s %s)",
					c.Name, shownMode(mode), shownMode(mode), c.Name)
			}
			return netns.ModePrivate, nil
		})
	}
	return changeNetwork(env, c, func(mode string) (string, error) {
		switch {
		case mode == nw.Name:
			return "", fmt.Errorf("container %s is already connected to network %s", c.Name, nw.Name)
		case netns.IsUserNetwork(mode):
			return "", fmt.Errorf("container %s is on network %s, and a husk container is on one network: disconnect it first (husk network disconnect %s %s)",
				c.Name, mode, mode, c.Name)
		case mode != netns.ModePrivate || len(c.Config.Net.HelperOpts) > 0:
			// podman's words for a mode that is no network.
			return "", fmt.Errorf("%q is not supported: invalid network mode: connect works for containers on the default network or none", shownMode(mode))
		}
		return nw.Name, nil
	})
}

// Disconnect takes the stopped container c off user network name: it is
// back on the default network (private), as podman leaves a container
// it disconnects from its last network on "bridge".
func Disconnect(env Env, c *Container, name string) error {
	nw, err := userNetwork(env, name)
	if err != nil {
		return err
	}
	if netns.IsDefaultNetwork(nw) {
		// Off the default network is no network.
		return changeNetwork(env, c, func(mode string) (string, error) {
			if mode != netns.ModePrivate || len(c.Config.Net.HelperOpts) > 0 {
				return "", fmt.Errorf("%w: container %s is not connected to network %s", ErrNotConnected, c.Name, nw.Name)
			}
			return netns.ModeNone, nil
		})
	}
	return changeNetwork(env, c, func(mode string) (string, error) {
		if mode != nw.Name {
			return "", fmt.Errorf("%w: container %s is not connected to network %s", ErrNotConnected, c.Name, nw.Name)
		}
		return netns.ModePrivate, nil
	})
}

// changeNetwork sets c's network mode to what next returns for the
// current one, with c locked and not running.
func changeNetwork(env Env, c *Container, next func(mode string) (string, error)) error {
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.Reload(); err != nil {
		return err
	}
	if c.Alive() {
		return fmt.Errorf("container %s is running: husk wires a container's network when it starts; stop it, change its networks, and start it again", c.Name)
	}
	mode, err := next(c.Config.NetworkMode())
	if err != nil {
		return err
	}
	c.Config.Net.Mode, c.Config.OldNetwork = mode, ""
	return c.Save()
}

func shownMode(mode string) string {
	if name, ok := strings.CutPrefix(mode, netns.ContainerPrefix); ok {
		return netns.ContainerPrefix + short(name)
	}
	return mode
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
