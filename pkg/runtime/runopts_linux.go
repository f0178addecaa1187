package runtime

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/moby/sys/user"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/idfile"
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// RunOptions are the process and sandbox settings of run and create's
// later flags (--ulimit, --sysctl, --tz, ...), kept with the container's
// Config (embedded: their JSON fields are the config's).
type RunOptions struct {
	// StopTimeout is how long stop waits for the stop signal to work
	// before it kills the container (nil: 10 seconds).
	StopTimeout *uint `json:"stopTimeout,omitempty"`
	// Ulimits replace husk's own limits of their type; UlimitHost gives
	// the container all of husk's own limits.
	Ulimits    []spec.Rlimit `json:"ulimits,omitempty"`
	UlimitHost bool          `json:"ulimitHost,omitempty"`
	// ShmSize is the size of /dev/shm in bytes (0: 64 MiB).
	ShmSize int64             `json:"shmSize,omitempty"`
	Sysctls map[string]string `json:"sysctls,omitempty"`
	// GroupAdd are supplementary groups (names are looked up in the
	// image's /etc/group); KeepGroups keeps the user's own groups instead.
	GroupAdd   []string `json:"groupAdd,omitempty"`
	KeepGroups bool     `json:"keepGroups,omitempty"`
	// Expose adds ports to the image's exposed ones (PORT/PROTO).
	Expose []string `json:"expose,omitempty"`
	// NoHosts leaves the image's /etc/hosts alone.
	NoHosts bool `json:"noHosts,omitempty"`
	// Umask of the container's process (nil: 0022).
	Umask *uint32 `json:"umask,omitempty"`
	// Timezone is a file under /usr/share/zoneinfo, or "local" (the
	// host's /etc/localtime), placed at /etc/localtime.
	Timezone string `json:"timezone,omitempty"`
	// UnsetEnv drops variables of husk's defaults and of the image;
	// UnsetEnvAll drops them all (HOSTNAME and HOME stay, as in podman).
	UnsetEnv    []string `json:"unsetEnv,omitempty"`
	UnsetEnvAll bool     `json:"unsetEnvAll,omitempty"`
	// IPC, PID, UTS and Cgroupns are namespace modes (nsopts_linux.go).
	IPC      string `json:"ipc,omitempty"`
	PID      string `json:"pid,omitempty"`
	UTS      string `json:"uts,omitempty"`
	Cgroupns string `json:"cgroupns,omitempty"`
	// OOMScoreAdj of the container's process (nil: husk's own).
	OOMScoreAdj *int `json:"oomScoreAdj,omitempty"`
	// Personality is the execution domain: LINUX or LINUX32 (crun only).
	Personality string `json:"personality,omitempty"`
	// LogDriver is where a detached container's output goes: "" (the
	// default, LogDriverFile), LogDriverNone or LogDriverPassthrough.
	LogDriver string `json:"logDriver,omitempty"`
	// VolumesFrom are the containers (NAME[:ro|rw]) whose bind mounts and
	// named volumes Create adds to Volumes.
	VolumesFrom []string `json:"volumesFrom,omitempty"`
	// HostUsers are host accounts (names or uids) added to the
	// container's /etc/passwd.
	HostUsers []string `json:"hostUsers,omitempty"`
	// PasswdEntry is the template of the /etc/passwd line written for the
	// container's user when the image has none for its uid (and for
	// keep-id's account): $USERNAME, $UID, $GID, $NAME, $HOME.
	PasswdEntry string `json:"passwdEntry,omitempty"`
}

// The log drivers (--log-driver).
const (
	// LogDriverFile is husk's log file, in podman's k8s-file format.
	LogDriverFile = "k8s-file"
	// LogDriverNone keeps no output.
	LogDriverNone = "none"
	// LogDriverPassthrough hands husk's own stdio to the container: what
	// a run in the foreground does anyway.
	LogDriverPassthrough = "passthrough"
)

// ZoneinfoDir holds the time zones --tz names.
const ZoneinfoDir = "/usr/share/zoneinfo"

// TimezoneFile is the host file --tz=tz places at /etc/localtime.
func TimezoneFile(tz string) (string, error) {
	if tz == "local" {
		p, err := filepath.EvalSymlinks("/etc/localtime")
		if err != nil {
			return "", setting.Errorf("{tz}=local: the host's time zone: %w", err)
		}
		return p, nil
	}
	if tz == "" || filepath.IsAbs(tz) || slices.Contains(strings.Split(tz, "/"), "..") {
		return "", setting.Errorf("invalid {tz} %q: give a zone such as Europe/Paris (a file under %s) or local", tz, ZoneinfoDir)
	}
	p := filepath.Join(ZoneinfoDir, tz)
	st, err := os.Stat(p)
	if err != nil {
		return "", setting.Errorf("{tz} %q: %w: give a zone such as Europe/Paris (a file under %s) or local", tz, err, ZoneinfoDir)
	}
	if !st.Mode().IsRegular() {
		return "", setting.Errorf("{tz} %q: %s is not a time zone file: give a zone such as Europe/Paris", tz, p)
	}
	return p, nil
}

// timezoneMount copies the time zone file into the container's directory
// (the host may change its own meanwhile) and mounts it read-only.
func timezoneMount(dir, tz string) ([]spec.Mount, error) {
	if tz == "" {
		return nil, nil
	}
	src, err := TimezoneFile(tz)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return nil, fmt.Errorf("read time zone %q: %w", tz, err)
	}
	p := filepath.Join(dir, "localtime")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return nil, fmt.Errorf("write localtime: %w", err)
	}
	return []spec.Mount{{Type: "bind", Source: p, Destination: "/etc/localtime", Options: []string{"bind", "ro"}}}, nil
}

// processEnv is the container's environment: husk's defaults and the
// image's (less what --unsetenv and --unsetenv-all drop), then the
// user's.
func processEnv(cfg Config, defaults, image []string) []string {
	if cfg.UnsetEnvAll {
		var kept []string
		for _, kv := range defaults {
			if k, _, _ := strings.Cut(kv, "="); k == "HOSTNAME" || k == "HOME" {
				kept = append(kept, kv)
			}
		}
		return spec.JoinEnv(kept, cfg.Env)
	}
	drop := func(list []string) []string {
		var out []string
		for _, kv := range list {
			if k, _, _ := strings.Cut(kv, "="); !slices.Contains(cfg.UnsetEnv, k) {
				out = append(out, kv)
			}
		}
		return out
	}
	if len(cfg.UnsetEnv) == 0 {
		return spec.MergeEnv(defaults, image, cfg.Env)
	}
	return spec.JoinEnv(drop(spec.MergeEnv(defaults, image)), cfg.Env)
}

// runOptionsSpec applies the options to the container's /etc mounts
// (--no-hosts, --tz) and makes the spec's settings of them.
func runOptionsSpec(env Env, c *Container, preparing bool, rootfs string, etc []spec.Mount, u *spec.User) ([]spec.Mount, spec.Extra, error) {
	cfg := c.Config
	modes, err := namespaceModes(env, cfg, preparing)
	if err != nil {
		return nil, spec.Extra{}, err
	}
	if cfg.NoHosts {
		etc = slices.DeleteFunc(etc, func(m spec.Mount) bool { return m.Destination == "/etc/hosts" })
	}
	tzm, err := timezoneMount(c.Dir, cfg.Timezone)
	if err != nil {
		return nil, spec.Extra{}, err
	}
	extra, err := extraSpec(cfg, rootfs, u)
	extra.Namespaces = modes
	return append(etc, tzm...), extra, err
}

// extraSpec turns the options into the spec's, resolving --group-add's
// names in the rootfs's /etc/group.
func extraSpec(cfg Config, rootfs string, u *spec.User) (spec.Extra, error) {
	e := spec.Extra{ShmSize: cfg.ShmSize, Sysctls: cfg.Sysctls, Umask: cfg.Umask, KeepGroups: cfg.KeepGroups,
		OOMScoreAdj: cfg.OOMScoreAdj, Personality: cfg.Personality, Mask: cfg.Mask, Unmask: cfg.Unmask}
	if cfg.UlimitHost {
		for name, res := range spec.Rlimits {
			var lim unix.Rlimit
			if unix.Getrlimit(res, &lim) == nil {
				e.Rlimits = append(e.Rlimits, spec.Rlimit{Type: spec.RlimitType(name), Soft: lim.Cur, Hard: lim.Max})
			}
		}
		slices.SortFunc(e.Rlimits, func(a, b spec.Rlimit) int { return strings.Compare(a.Type, b.Type) })
	}
	e.Rlimits = append(e.Rlimits, cfg.Ulimits...)
	if len(cfg.GroupAdd) > 0 {
		gids, err := groupIDs(rootfs, cfg.GroupAdd)
		if err != nil {
			return e, err
		}
		for _, g := range gids {
			if !slices.Contains(u.AdditionalGids, g) {
				u.AdditionalGids = append(u.AdditionalGids, g)
			}
		}
	}
	return e, nil
}

// groupIDs resolves group names or ids through the rootfs's /etc/group.
func groupIDs(rootfs string, groups []string) ([]uint32, error) {
	var gr io.Reader
	if rc, err := openInRoot(rootfs, "/etc/group"); err == nil {
		defer rc.Close()
		gr = rc
	}
	ids, err := user.GetAdditionalGroups(groups, gr)
	if err != nil {
		return nil, setting.Errorf("{group-add}: %w: give a group of the image's /etc/group or a numeric id", err)
	}
	out := make([]uint32, 0, len(ids))
	for _, id := range ids {
		out = append(out, uint32(id))
	}
	return out, nil
}

// CheckUlimits refuses, rootless, a limit above husk's own hard limit: an
// unprivileged process cannot raise it, and the runtime would fail.
func CheckUlimits(limits []spec.Rlimit, rootless bool) error {
	if !rootless {
		return nil
	}
	for _, r := range limits {
		name := strings.ToLower(strings.TrimPrefix(r.Type, "RLIMIT_"))
		res, ok := spec.Rlimits[name]
		if !ok {
			continue
		}
		var lim unix.Rlimit
		if err := unix.Getrlimit(res, &lim); err != nil {
			continue
		}
		if r.Hard > lim.Max || r.Soft > lim.Max {
			return setting.Errorf("{ulimit} %s=%s:%s: rootless, a limit cannot be raised above your own hard limit (%s): give at most %s, or raise your hard limit (limits.conf) first",
				name, rlimitString(r.Soft), rlimitString(r.Hard), rlimitString(lim.Max), rlimitString(lim.Max))
		}
	}
	return nil
}

func rlimitString(v uint64) string {
	if v == unix.RLIM_INFINITY {
		return "-1"
	}
	return fmt.Sprint(v)
}

// checkRunOptions refuses, before anything is created, options this
// host or mode cannot honour.
func checkRunOptions(env Env, cfg Config) error {
	if err := CheckUlimits(cfg.Ulimits, env.Rootless); err != nil {
		return err
	}
	if err := checkNamespaceOptions(env, cfg); err != nil {
		return err
	}
	if cfg.KeepGroups {
		if !env.Rootless {
			return setting.Errorf("{group-add}=keep-groups is for rootless use: as root, give the groups with {group-add}")
		}
		if len(env.Runtimes) == 0 || env.Runtimes[0].Name() != "crun" {
			return setting.Errorf("{group-add}=keep-groups needs the crun runtime (runc cannot keep your groups): give {runtime} crun, or name the groups with {group-add}")
		}
	}
	return nil
}

// withExposed adds --expose's ports to the image's.
func withExposed(image map[string]struct{}, more []string) map[string]struct{} {
	if len(more) == 0 {
		return image
	}
	out := map[string]struct{}{}
	for k := range image {
		out[k] = struct{}{}
	}
	for _, p := range more {
		out[p] = struct{}{}
	}
	return out
}

// ReserveIDFile creates path (--cidfile) for the ID of a container about
// to be made; it refuses a file that exists (another container may be
// using it).
func ReserveIDFile(path string) (*idfile.File, error) {
	return idfile.Reserve(path, "cidfile", "container")
}

// RemoveNamed removes the container called name, if there is one, even
// running (--replace).
func RemoveNamed(ctx context.Context, env Env, name string) error {
	if name == "" {
		return setting.Errorf("{replace} needs {name}: give the name of the container to replace")
	}
	sc, err := env.Store.Container(name)
	if err != nil {
		return nil // no such container: nothing to replace
	}
	c, err := load(env.Store, sc)
	if err != nil {
		return fmt.Errorf("replace container %q: %w", name, err)
	}
	return Remove(ctx, env, c, true)
}

// StopTimeoutOf is how long stop waits for c's stop signal to work: its
// --stop-timeout, else def.
func StopTimeoutOf(c *Container, def time.Duration) time.Duration {
	if c.Config.StopTimeout != nil {
		return time.Duration(*c.Config.StopTimeout) * time.Second
	}
	return def
}

// fsMount is a --mount type=ramfs or type=devpts (a new instance of its
// own, not the container's /dev/pts).
func fsMount(v VolumeSpec) spec.Mount {
	opts := []string{"nosuid", "nodev"}
	if v.Kind == VolumeDevpts {
		opts = []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}
	}
	if v.ReadOnly {
		opts = append(opts, "ro")
	}
	return spec.Mount{Type: string(v.Kind), Source: string(v.Kind), Destination: v.Destination, Options: opts}
}

// InheritedFiles are husk's descriptors 3 to 3+n-1, for --preserve-fds:
// each must be open, and inherited: one without close-on-exec (every
// descriptor Go opens has it, the runtime's own epoll among them, which
// takes the lowest free number).
func InheritedFiles(n uint) ([]*os.File, error) {
	var files []*os.File
	for fd := 3; fd < 3+int(n); fd++ {
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil || flags&unix.FD_CLOEXEC != 0 {
			return nil, setting.Errorf("{preserve-fds} %d: descriptor %d was not passed to husk: open descriptors 3 to %d for it (e.g. 3<FILE)", n, fd, 2+n)
		}
		files = append(files, os.NewFile(uintptr(fd), fmt.Sprintf("fd%d", fd)))
	}
	return files, nil
}
