package spec

import (
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Rlimit is one process resource limit (--ulimit): Type is its name in
// config.json (RLIMIT_NOFILE).
type Rlimit struct {
	Type string `json:"type"`
	Soft uint64 `json:"soft"`
	Hard uint64 `json:"hard"`
}

// RlimitType is the config.json name of a limit users call name
// ("nofile" -> "RLIMIT_NOFILE").
func RlimitType(name string) string { return "RLIMIT_" + strings.ToUpper(name) }

// Extra are the process and sandbox settings of run's later flags
// (--ulimit, --shm-size, --sysctl, --umask, --group-add keep-groups).
type Extra struct {
	// Rlimits replace husk's own limit of their type (the others are
	// copied from husk's, NOFILE and NPROC only).
	Rlimits []Rlimit
	// ShmSize is the size of /dev/shm in bytes (0: the default, 64 MiB).
	ShmSize int64
	// Sysctls are written by the runtime in the container's namespaces.
	Sysctls map[string]string
	// Umask of the process (nil: the runtime's, 0022).
	Umask *uint32
	// KeepGroups keeps the user's own supplementary groups (crun only).
	KeepGroups bool
	// Namespaces sets the ipc, pid, uts and cgroup namespaces: NSHost
	// (none of the container's own), NSPrivate (a new one) or the path of
	// one to join; a kind not in the map keeps the default.
	Namespaces map[string]string
	// OOMScoreAdj of the process (nil: inherited).
	OOMScoreAdj *int
	// Personality is the execution domain (LINUX, LINUX32; "": the
	// default).
	Personality string
	// Mask are paths masked besides the defaults; Unmask are patterns of
	// default masked or read-only paths to leave alone (UnmaskAll: all).
	Mask, Unmask []string
}

// The namespace modes of Extra.Namespaces besides a path.
const (
	NSHost    = "host"
	NSPrivate = "private"
)

// applyExtra sets o.Extra on the generated spec.
func applyExtra(s *specs.Spec, o Options) error {
	e := o.Extra
	applyNamespaces(s, e.Namespaces, o.Rootless)
	applyMasks(s, e.Mask, e.Unmask)
	if e.OOMScoreAdj != nil {
		v := *e.OOMScoreAdj
		s.Process.OOMScoreAdj = &v
	}
	if e.Personality != "" {
		s.Linux.Personality = &specs.LinuxPersonality{Domain: specs.LinuxPersonalityDomain(e.Personality)}
	}
	for _, r := range e.Rlimits {
		kept := s.Process.Rlimits[:0]
		for _, old := range s.Process.Rlimits {
			if old.Type != r.Type {
				kept = append(kept, old)
			}
		}
		s.Process.Rlimits = append(kept, specs.POSIXRlimit{Type: r.Type, Soft: r.Soft, Hard: r.Hard})
	}
	if e.ShmSize > 0 {
		found := false
		for i, m := range s.Mounts {
			if m.Destination != "/dev/shm" {
				continue
			}
			var opts []string
			for _, o := range m.Options {
				if !strings.HasPrefix(o, "size=") {
					opts = append(opts, o)
				}
			}
			s.Mounts[i].Options = append(opts, fmt.Sprintf("size=%dk", (e.ShmSize+1023)/1024))
			found = true
		}
		if !found {
			return fmt.Errorf("no /dev/shm mount to size")
		}
	}
	if len(e.Sysctls) > 0 {
		s.Linux.Sysctl = map[string]string{}
		for k, v := range e.Sysctls {
			s.Linux.Sysctl[k] = v
		}
	}
	if e.Umask != nil {
		u := *e.Umask
		s.Process.User.Umask = &u
	}
	if e.KeepGroups {
		// crun's extension: setgroups is not called, so the process keeps
		// the groups of the user who started it.
		if s.Annotations == nil {
			s.Annotations = map[string]string{}
		}
		s.Annotations["run.oci.keep_original_groups"] = "1"
		s.Process.User.AdditionalGids = nil
	}
	return nil
}

// applyNamespaces sets the namespace modes, and the mounts that depend on
// them: in the host's PID namespace, rootless, the container gets
// the host's /proc bound (proc cannot be mounted for a PID namespace the
// user does not own); without an IPC namespace, the host's /dev/mqueue.
func applyNamespaces(s *specs.Spec, modes map[string]string, rootless bool) {
	for kind, mode := range modes {
		var kept []specs.LinuxNamespace
		for _, ns := range s.Linux.Namespaces {
			if string(ns.Type) != kind {
				kept = append(kept, ns)
			}
		}
		switch mode {
		case NSHost:
		case NSPrivate:
			kept = append(kept, specs.LinuxNamespace{Type: specs.LinuxNamespaceType(kind)})
		default:
			kept = append(kept, specs.LinuxNamespace{Type: specs.LinuxNamespaceType(kind), Path: mode})
		}
		s.Linux.Namespaces = kept
	}
	if modes["uts"] != "" && modes["uts"] != NSPrivate {
		s.Hostname = "" // the host's, or the joined namespace's
	}
	var mounts []specs.Mount
	for _, m := range s.Mounts {
		switch {
		case m.Destination == "/proc" && modes["pid"] == NSHost && rootless:
			m = specs.Mount{Destination: "/proc", Type: "bind", Source: "/proc", Options: []string{"rbind", "nosuid", "noexec", "nodev"}}
		case m.Destination == "/dev/mqueue" && modes["ipc"] == NSHost && rootless:
			if _, err := os.Stat("/dev/mqueue"); err != nil {
				continue // the host has none either
			}
			m = specs.Mount{Destination: "/dev/mqueue", Type: "bind", Source: "/dev/mqueue", Options: []string{"rbind", "nosuid", "noexec", "nodev"}}
		}
		mounts = append(mounts, m)
	}
	s.Mounts = mounts
}
