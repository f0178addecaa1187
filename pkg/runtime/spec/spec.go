package spec

import (
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"
	"golang.org/x/sys/unix"
)

// ociVersion is written into config.json. Old runtimes (crun 1.8) reject
// versions they do not know, and husk uses nothing newer than 1.0.2.
const ociVersion = "1.0.2-dev"

// DefaultCapabilities is podman's default set.
var DefaultCapabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETUID", "CAP_SYS_CHROOT",
}

// maskedPaths and readonlyPaths keep the kernel's view of the host out of
// reach, as podman does.
var maskedPaths = []string{
	"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/fs/selinux", "/sys/dev/block", "/sys/devices/virtual/powercap",
	"/proc/interrupts",
}

var readonlyPaths = []string{
	"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
}

// SeccompMode selects the seccomp profile.
type SeccompMode struct {
	Unconfined bool
	// Profile is the JSON of a custom profile ("" = the default).
	Profile string
}

// User is the resolved process identity.
type User struct {
	UID, GID       uint32
	AdditionalGids []uint32
	Home           string
}

// Mount is a bind, tmpfs or other mount already resolved to a source on
// the host (or in husk's namespace).
type Mount struct {
	Type        string // "bind", "tmpfs"
	Source      string
	Destination string
	Options     []string
}

// IDMap is one line of a container user namespace mapping, relative to
// husk's namespace.
type IDMap struct {
	ContainerID, HostID, Size uint32
}

// Options is everything config.json is made from. It is validated
// input: cmd/ parsed the flags, the image config was merged in.
type Options struct {
	Rootfs   string
	Args     []string
	Env      []string
	Cwd      string
	User     User
	Hostname string
	Terminal bool
	ReadOnly bool
	// HostNetwork: the container shares the host's network namespace.
	HostNetwork bool
	// NetnsPath is the network namespace to join ("" for a new one).
	NetnsPath       string
	Mounts          []Mount
	CapAdd, CapDrop []string
	Privileged      bool
	Seccomp         SeccompMode
	NoNewPrivileges bool
	// Rootless: husk runs in a user namespace; devices cannot be created,
	// only bound.
	Rootless bool
	// SingleID: the namespace has only id 0 (no subordinate ids).
	SingleID bool
	// UIDMap/GIDMap give the container its own user namespace (keep-id).
	UIDMap, GIDMap []IDMap
	// UsernsPath is that user namespace when husk made it already (the
	// owner of NetnsPath); "" lets the runtime make it.
	UsernsPath  string
	Annotations map[string]string
	// Extra are the settings of run's later flags (extra.go).
	Extra Extra
}

// Generate builds the OCI runtime config.
func Generate(o Options) (*specs.Spec, error) {
	g, err := generate.New("linux")
	if err != nil {
		return nil, fmt.Errorf("generate spec: %w", err)
	}
	g.SetOCIVersion(ociVersion)
	g.SetRootPath(o.Rootfs)
	g.SetRootReadonly(o.ReadOnly)
	if len(o.Args) == 0 {
		return nil, fmt.Errorf("no command: the image has no ENTRYPOINT or CMD; give one after the image name")
	}
	g.SetProcessArgs(o.Args)
	g.ClearProcessEnv()
	g.AddMultipleProcessEnv(o.Env)
	g.SetProcessCwd(o.Cwd)
	g.SetProcessUID(o.User.UID)
	g.SetProcessGID(o.User.GID)
	for _, gid := range o.User.AdditionalGids {
		g.AddProcessAdditionalGid(gid)
	}
	g.SetProcessTerminal(o.Terminal)
	if err := CheckHostname(o.Hostname); err != nil {
		return nil, err
	}
	g.SetHostname(o.Hostname)
	g.SetProcessNoNewPrivileges(o.NoNewPrivileges)
	g.ClearProcessRlimits()
	for _, rl := range []struct {
		name string
		res  int
	}{{"RLIMIT_NOFILE", unix.RLIMIT_NOFILE}, {"RLIMIT_NPROC", unix.RLIMIT_NPROC}} {
		var lim unix.Rlimit
		if unix.Getrlimit(rl.res, &lim) == nil {
			g.AddProcessRlimits(rl.name, lim.Max, lim.Cur)
		}
	}

	if err := setCapabilities(&g, o); err != nil {
		return nil, err
	}
	setNamespaces(&g, o)
	setMounts(&g, o)
	if !o.Privileged {
		for _, p := range maskedPaths {
			g.AddLinuxMaskedPaths(p)
		}
		for _, p := range readonlyPaths {
			g.AddLinuxReadonlyPaths(p)
		}
	}
	for k, v := range o.Annotations {
		g.AddAnnotation(k, v)
	}
	spec := g.Config
	// Resources are the cgroup manager's business; a rootless runtime
	// refuses device rules it cannot apply.
	spec.Linux.Resources = nil
	if o.Privileged && o.Rootless {
		addHostDevices(spec)
	}
	if err := setSeccomp(spec, o); err != nil {
		return nil, err
	}
	if err := applyExtra(spec, o); err != nil {
		return nil, err
	}
	return spec, nil
}

func setCapabilities(g *generate.Generator, o Options) error {
	caps := map[string]bool{}
	if o.Privileged {
		for _, c := range allCapabilities() {
			caps[c] = true
		}
	} else {
		for _, c := range DefaultCapabilities {
			caps[c] = true
		}
	}
	for _, c := range o.CapDrop {
		name, err := normalizeCap(c)
		if err != nil {
			return err
		}
		if name == "ALL" {
			caps = map[string]bool{}
			continue
		}
		delete(caps, name)
	}
	for _, c := range o.CapAdd {
		name, err := normalizeCap(c)
		if err != nil {
			return err
		}
		if name == "ALL" {
			for _, c := range allCapabilities() {
				caps[c] = true
			}
			continue
		}
		caps[name] = true
	}
	g.ClearProcessCapabilities()
	for _, c := range allCapabilities() {
		if !caps[c] {
			continue
		}
		for _, add := range []func(string) error{g.AddProcessCapabilityBounding, g.AddProcessCapabilityEffective, g.AddProcessCapabilityPermitted} {
			if err := add(c); err != nil {
				return fmt.Errorf("capability %s: %w", c, err)
			}
		}
	}
	// A non-root user keeps no capabilities in its effective set unless
	// they are ambient; like docker, husk gives none.
	if o.User.UID != 0 {
		g.Config.Process.Capabilities.Effective = nil
		g.Config.Process.Capabilities.Permitted = nil
	}
	return nil
}

// normalizeCap accepts "net_admin", "NET_ADMIN" or "CAP_NET_ADMIN".
func normalizeCap(c string) (string, error) {
	up := strings.ToUpper(strings.TrimSpace(c))
	if up == "ALL" {
		return "ALL", nil
	}
	if !strings.HasPrefix(up, "CAP_") {
		up = "CAP_" + up
	}
	for _, k := range allCapabilities() {
		if k == up {
			return up, nil
		}
	}
	return "", fmt.Errorf("unknown capability %q: see capabilities(7)", c)
}

func allCapabilities() []string {
	return []string{
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
		"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
		"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
		"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
		"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
		"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
		"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
		"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
		"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
	}
}

func setNamespaces(g *generate.Generator, o Options) {
	if o.HostNetwork {
		_ = g.RemoveLinuxNamespace("network")
	} else if o.NetnsPath != "" {
		_ = g.AddOrReplaceLinuxNamespace("network", o.NetnsPath)
	}
	if len(o.UIDMap) > 0 {
		_ = g.AddOrReplaceLinuxNamespace("user", o.UsernsPath)
		for _, m := range o.UIDMap {
			g.AddLinuxUIDMapping(m.HostID, m.ContainerID, m.Size)
		}
		for _, m := range o.GIDMap {
			g.AddLinuxGIDMapping(m.HostID, m.ContainerID, m.Size)
		}
	}
}

// MapsContainerID reports whether m gives the container id.
func MapsContainerID(m []IDMap, id uint32) bool {
	for _, e := range m {
		if id >= e.ContainerID && uint64(id) < uint64(e.ContainerID)+uint64(e.Size) {
			return true
		}
	}
	return false
}

func setMounts(g *generate.Generator, o Options) {
	var kept []specs.Mount
	for _, m := range g.Mounts() {
		switch m.Destination {
		case "/dev/pts":
			if o.SingleID || (len(o.GIDMap) > 0 && !MapsContainerID(o.GIDMap, 5)) {
				// gid 5 (tty) does not exist in a single-id namespace,
				// nor in a container map without it (auto:size=5).
				m.Options = without(m.Options, "gid=5")
			}
		case "/sys":
			if (o.HostNetwork && o.Rootless) || (o.NetnsPath != "" && len(o.UIDMap) > 0 && o.UsernsPath == "") {
				// sysfs can only be mounted by the owner of the network
				// namespace: share the host's, read-only. (A container
				// with a user namespace of its own owns the namespace
				// husk made for it only when it joins the user namespace
				// that was made with it.)
				m = specs.Mount{Destination: "/sys", Type: "bind", Source: "/sys", Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}}
			}
		}
		kept = append(kept, m)
	}
	g.ClearMounts()
	for _, m := range kept {
		g.AddMount(m)
	}
	for _, m := range o.Mounts {
		g.RemoveMount(m.Destination)
		opts := m.Options
		typ := m.Type
		if typ == "bind" {
			opts = append([]string{"rbind"}, opts...)
		}
		g.AddMount(specs.Mount{Destination: m.Destination, Type: typ, Source: m.Source, Options: opts})
	}
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// addHostDevices binds the host's /dev nodes a privileged rootless
// container may use (it cannot create device nodes).
func addHostDevices(spec *specs.Spec) {
	entries, err := os.ReadDir("/dev")
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Type()&os.ModeDevice == 0 || e.Type()&os.ModeCharDevice == 0 {
			continue
		}
		switch e.Name() {
		case "console", "tty", "ptmx":
			continue
		}
		p := "/dev/" + e.Name()
		spec.Mounts = append(spec.Mounts, specs.Mount{Destination: p, Type: "bind", Source: p, Options: []string{"bind", "nosuid", "noexec"}})
	}
}

func setSeccomp(spec *specs.Spec, o Options) error {
	if o.Privileged || o.Seccomp.Unconfined {
		spec.Linux.Seccomp = nil
		return nil
	}
	var sc *specs.LinuxSeccomp
	var err error
	if o.Seccomp.Profile != "" {
		sc, err = loadSeccomp(o.Seccomp.Profile, spec)
	} else {
		sc, err = defaultSeccomp(spec)
	}
	if err != nil {
		return fmt.Errorf("seccomp profile: %w", err)
	}
	spec.Linux.Seccomp = sc
	return nil
}
