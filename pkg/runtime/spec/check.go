package spec

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-tools/generate"
)

// maxHostname is the kernel's HOST_NAME_MAX.
const maxHostname = 64

// CheckHostname refuses a host name the kernel or the container's
// /etc/hosts cannot take: over 64 bytes (sethostname fails), or with
// characters other than letters, digits, '-', '_' and '.' (a space or a
// newline would add entries to /etc/hosts).
func CheckHostname(h string) error {
	if h == "" {
		return fmt.Errorf("empty host name")
	}
	if len(h) > maxHostname {
		return fmt.Errorf("host name %q is longer than %d characters (the kernel's limit)", h, maxHostname)
	}
	for i, r := range h {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && (r == '-' || r == '_' || r == '.'))
		if !ok {
			return fmt.Errorf("host name %q: use letters, digits, '-', '_' and '.' (not first)", h)
		}
	}
	return nil
}

// procMountable are the files inside /proc that runtimes let a container
// mount over (lxcfs's virtualized views).
var procMountable = map[string]bool{
	"/proc/cpuinfo": true, "/proc/diskstats": true, "/proc/meminfo": true, "/proc/stat": true,
	"/proc/swaps": true, "/proc/uptime": true, "/proc/loadavg": true, "/proc/slabinfo": true,
	"/proc/net/dev": true, "/proc/sys/kernel/ns_last_pid": true,
}

// CheckMountDestination validates a mount's destination in the container
// and returns it cleaned. The root, /proc, /sys and /dev are the
// runtime's own: a mount over them leaves no container that can run (the
// runtime fails with a misleading message, or the command is "not
// found"). Inside /proc the runtimes allow only lxcfs's files.
func CheckMountDestination(dst string) (string, error) {
	if dst == "" {
		return "", fmt.Errorf("empty mount destination")
	}
	if !strings.HasPrefix(dst, "/") {
		return "", fmt.Errorf("mount destination %q is not an absolute path", dst)
	}
	if strings.ContainsRune(dst, 0) {
		return "", fmt.Errorf("mount destination %q contains a NUL byte", dst)
	}
	clean := filepath.Clean(dst)
	switch clean {
	case "/":
		return "", fmt.Errorf("mount destination %q is the container's root: mount a directory below it", dst)
	case "/proc", "/sys", "/dev":
		return "", fmt.Errorf("mount destination %q would hide the container's %s, which the runtime mounts: choose another directory", dst, clean)
	}
	if strings.HasPrefix(clean, "/proc/") && !procMountable[clean] {
		return "", fmt.Errorf("mount destination %q is inside /proc, where runtimes refuse mounts (except lxcfs's /proc/cpuinfo, /proc/meminfo, ...): choose another directory", dst)
	}
	return clean, nil
}

// CheckSeccompProfile loads a custom seccomp profile the way Generate
// will, so that a broken one is refused before the container is created.
func CheckSeccompProfile(body string) error {
	g, err := generate.New("linux")
	if err != nil {
		return fmt.Errorf("generate spec: %w", err)
	}
	if _, err := loadSeccomp(body, g.Config); err != nil {
		return fmt.Errorf("seccomp profile: %w", err)
	}
	return nil
}
