package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// Namespace modes of RunOptions.IPC, PID, UTS and Cgroupns besides
// spec.NSHost and spec.NSPrivate ("": the default).
const (
	// NSContainerPrefix joins another container's namespace: by name as
	// given, by ID once created.
	NSContainerPrefix = "container:"
	// NSPathPrefix joins the namespace at a path.
	NSPathPrefix = "ns:"
)

// namespaceOptions are the namespace settings, by the spec's kind and by
// the setting's name.
func namespaceOptions(r *RunOptions) []struct {
	kind, setting string
	mode          *string
} {
	return []struct {
		kind, setting string
		mode          *string
	}{{"ipc", "ipc", &r.IPC}, {"pid", "pid", &r.PID}, {"uts", "uts", &r.UTS}, {"cgroup", "cgroupns", &r.Cgroupns}}
}

// checkNamespaceOptions resolves container:NAME to the container's ID and
// refuses what rootless use cannot honour.
func checkNamespaceOptions(env Env, cfg Config) error {
	if cfg.OOMScoreAdj != nil && env.Rootless {
		if own, err := ownOOMScoreAdj(); err == nil && *cfg.OOMScoreAdj < own {
			return setting.Errorf("{oom-score-adj} %d: rootless, the score cannot be lowered below husk's own (%d): give %d or more", *cfg.OOMScoreAdj, own, own)
		}
	}
	if cfg.Personality != "" && (len(env.Runtimes) == 0 || env.Runtimes[0].Name() != "crun") {
		return setting.Errorf("{personality} needs the crun runtime (runc 1.1 does not set it): give {runtime} crun")
	}
	return nil
}

// resolveNamespaceContainers turns container:NAME modes into
// container:ID, so that a rename does not change what is joined.
func resolveNamespaceContainers(env Env, cfg *Config) error {
	for _, o := range namespaceOptions(&cfg.RunOptions) {
		name, ok := strings.CutPrefix(*o.mode, NSContainerPrefix)
		if !ok {
			continue
		}
		other, err := Lookup(env.Store, name)
		if err != nil {
			return setting.Errorf("{"+o.setting+"} %s: %w", *o.mode, err)
		}
		if other.Config.ownUserNS() != cfg.ownUserNS() {
			return setting.Errorf("{"+o.setting+"} %s: the containers must both, or neither, use {userns=keep-id}", *o.mode)
		}
		*o.mode = NSContainerPrefix + other.ID
	}
	return nil
}

// namespaceModes are the spec's namespace modes. A joined container must
// run, except when preparing (create): then the bundle says private
// until start writes it again.
func namespaceModes(env Env, cfg Config, preparing bool) (map[string]string, error) {
	modes := map[string]string{}
	for _, o := range namespaceOptions(&cfg.RunOptions) {
		mode := *o.mode
		switch {
		case mode == "":
			continue
		case mode == spec.NSHost || mode == spec.NSPrivate:
			modes[o.kind] = mode
		case strings.HasPrefix(mode, NSPathPrefix):
			modes[o.kind] = strings.TrimPrefix(mode, NSPathPrefix)
		case strings.HasPrefix(mode, NSContainerPrefix):
			p, err := containerNamespace(env, strings.TrimPrefix(mode, NSContainerPrefix), o.kind)
			if err != nil && !preparing {
				return nil, setting.Errorf("{"+o.setting+"} %s: %w", mode, err)
			}
			if err != nil {
				p = spec.NSPrivate
			}
			modes[o.kind] = p
		default:
			return nil, fmt.Errorf("unknown %s namespace mode %q", o.kind, mode)
		}
	}
	return modes, nil
}

// containerNamespace is the path of a running container's namespace.
func containerNamespace(env Env, id, kind string) (string, error) {
	other, err := Lookup(env.Store, id)
	if err != nil {
		return "", err
	}
	if err := Refresh(env, other); err != nil {
		return "", err
	}
	if !other.Alive() {
		return "", fmt.Errorf("container %s is not running: start it first", other.Name)
	}
	return filepath.Join("/proc", strconv.Itoa(other.State.Pid), "ns", kind), nil
}

// containerHostname is the container's host name: --hostname, the
// host's with the host's UTS namespace, else the short ID.
func containerHostname(c *Container) (string, error) {
	switch {
	case c.Config.Hostname != "":
		return c.Config.Hostname, nil
	case c.Config.UTS == spec.NSHost:
		h, err := os.Hostname()
		if err != nil {
			return "", fmt.Errorf("read the host name: %w", err)
		}
		return h, nil
	}
	return c.ID[:12], nil
}

// ownOOMScoreAdj is husk's own OOM score adjustment.
func ownOOMScoreAdj() (int, error) {
	b, err := os.ReadFile("/proc/self/oom_score_adj")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}
