//go:build linux

package main

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// portLookup returns a container's published ports (with their assigned
// host ports) and its name.
type portLookup func(ctx context.Context, nameOrID string) (name string, ports []netns.PortMapping, err error)

// newPortCommand builds `husk port NAME [CTRPORT[/PROTO]]`. lookup finds
// the container (the root command passes one that reads its record).
func newPortCommand(lookup portLookup) *cobra.Command {
	return &cobra.Command{
		Use:   "port CONTAINER [CTRPORT[/PROTO]]",
		Short: "List a container's published ports, or the host address of one",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, ports, err := lookup(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(args) == 1 {
				for _, l := range netns.FormatPorts(ports) {
					fmt.Fprintln(out, l)
				}
				return nil
			}
			addrs, err := hostAddrsOf(ports, args[1])
			if err != nil {
				return err
			}
			if len(addrs) == 0 {
				return fmt.Errorf("no public port %q published for %s", args[1], name)
			}
			for _, a := range addrs {
				fmt.Fprintln(out, a)
			}
			return nil
		},
	}
}

// hostAddrsOf gives the host addresses that publish the container port
// spec (PORT or PORT/PROTO, tcp by default).
func hostAddrsOf(ports []netns.PortMapping, spec string) ([]string, error) {
	p, proto, ok := strings.Cut(spec, "/")
	if !ok {
		proto = "tcp"
	}
	n, err := strconv.ParseUint(p, 10, 16)
	if err != nil || n == 0 || (proto != "tcp" && proto != "udp") {
		return nil, fmt.Errorf("invalid port %q: want PORT or PORT/tcp|udp", spec)
	}
	var out []string
	for _, m := range ports {
		size := int(m.Range)
		if size == 0 {
			size = 1
		}
		if m.Protocol != proto || int(n) < int(m.ContainerPort) || int(n) >= int(m.ContainerPort)+size {
			continue
		}
		ip := m.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		out = append(out, net.JoinHostPort(ip, strconv.Itoa(int(m.HostPort)+int(n)-int(m.ContainerPort))))
	}
	return out, nil
}

// containerPorts is the portLookup of the husk command: the ports recorded
// with the container (host ports chosen when it was created).
func (a *app) containerPorts(ctx context.Context, nameOrID string) (string, []netns.PortMapping, error) {
	store, err := a.openStore()
	if err != nil {
		return "", nil, err
	}
	defer store.Close()
	c, err := runtime.Lookup(store, nameOrID)
	if err != nil {
		return "", nil, err
	}
	return c.Name, c.Config.Net.Ports, nil
}
