package runtime

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeEtcFiles writes /etc/hosts, /etc/hostname and /etc/resolv.conf for
// the container into dir and returns the mounts that place them.
func writeEtcFiles(dir, hostname string, network NetworkMode) ([]Mount, error) {
	var hosts bytes.Buffer
	hosts.WriteString("127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost localhost.localdomain ip6-localhost ip6-loopback\n")
	fmt.Fprintf(&hosts, "127.0.1.1\t%s\n", hostname)
	resolv := resolvConf(network)
	files := map[string][]byte{
		"hosts":       hosts.Bytes(),
		"hostname":    []byte(hostname + "\n"),
		"resolv.conf": resolv,
	}
	var mounts []Mount
	for _, name := range []string{"hosts", "hostname", "resolv.conf"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		mounts = append(mounts, Mount{Type: "bind", Source: p, Destination: "/etc/" + name, Options: []string{"bind"}})
	}
	return mounts, nil
}

// resolvConf derives the container's resolv.conf from the host's. With the
// host network the host's resolvers (loopback ones included) work as is;
// without a network the file only keeps search domains and options.
func resolvConf(network NetworkMode) []byte {
	b, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		return nil
	}
	if network == NetworkHost {
		return b
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "nameserver") {
			continue
		}
		out.WriteString(line + "\n")
	}
	return out.Bytes()
}
