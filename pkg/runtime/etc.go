package runtime

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// writeEtcFiles writes /etc/hosts, /etc/hostname and /etc/resolv.conf for
// the container into dir and returns the mounts that place them. With
// shareFrom (the directory of the container whose network it joins) hosts
// and resolv.conf are that container's, as docker does.
func writeEtcFiles(dir, hostname string, cfg netns.Config, info netns.Info, shareFrom string) ([]spec.Mount, error) {
	files := map[string][]byte{
		"hosts":       netns.Hosts(cfg, hostname, info),
		"hostname":    []byte(hostname + "\n"),
		"resolv.conf": netns.ResolvConf(cfg, info),
	}
	if shareFrom != "" {
		for _, name := range []string{"hosts", "resolv.conf"} {
			b, err := os.ReadFile(filepath.Join(shareFrom, name))
			if err != nil {
				return nil, fmt.Errorf("read the network container's %s: %w", name, err)
			}
			files[name] = b
		}
	}
	var mounts []spec.Mount
	for _, name := range []string{"hosts", "hostname", "resolv.conf"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		mounts = append(mounts, spec.Mount{Type: "bind", Source: p, Destination: "/etc/" + name, Options: []string{"bind"}})
	}
	return mounts, nil
}
