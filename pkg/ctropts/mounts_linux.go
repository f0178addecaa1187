package ctropts

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// volumes parses -v, --mount and --tmpfs values, in that order, and
// refuses two mounts on one destination and bind mounts of host paths
// that do not exist, before anything is created (the runtime would fail
// later).
func volumes(vols, mounts, tmpfs []string) ([]runtime.VolumeSpec, error) {
	var out []runtime.VolumeSpec
	// Every mount's option (as a message names it) and value.
	type ref struct {
		opt string
		val string
	}
	var given []ref
	for _, g := range []struct {
		opt   string
		vals  []string
		parse func(string) (runtime.VolumeSpec, error)
	}{{"{-volume}", vols, parseVolume}, {"{mount}", mounts, parseMount}, {"{tmpfs}", tmpfs, parseTmpfs}} {
		for _, v := range g.vals {
			vs, err := g.parse(v)
			if err != nil {
				return nil, err
			}
			out = append(out, vs)
			given = append(given, ref{g.opt, v})
		}
	}
	seen := map[string]int{}
	for i, vs := range out {
		if j, ok := seen[vs.Destination]; ok {
			return nil, setting.Errorf("%s: duplicate mount destination: "+given[j].opt+" %q and "+given[i].opt+" %q both mount on %s; give each destination once",
				vs.Destination, given[j].val, given[i].val, vs.Destination)
		}
		seen[vs.Destination] = i
	}
	for i, vs := range out {
		if vs.Kind != runtime.VolumeBind {
			continue
		}
		if _, err := os.Stat(vs.Source); err != nil {
			return nil, setting.Errorf(given[i].opt+" %q: bind mount source: %w", given[i].val, err)
		}
	}
	return out, nil
}

// destination validates a mount destination for the value v of opt (as
// a message names it: {mount}).
func destination(opt, v, dst string) (string, error) {
	clean, err := spec.CheckMountDestination(dst)
	if err != nil {
		return "", setting.Errorf(opt+" %q: %w", v, err)
	}
	return clean, nil
}

// parseVolume parses -v SRC:DST[:OPTS], and -v DST[:OPTS] for an
// anonymous volume (a new volume of a generated name, as podman). A SRC
// that is a path (starts with / or .) is a bind mount; otherwise it names
// a volume.
func parseVolume(v string) (runtime.VolumeSpec, error) {
	parts := strings.Split(v, ":")
	// DST[:OPTIONS], as podman tells it from SRC:DST: one part, or a
	// second that is only options.
	if len(parts) <= 2 && strings.HasPrefix(parts[0], "/") {
		vs := runtime.VolumeSpec{Kind: runtime.VolumeNamed, Anonymous: true}
		if len(parts) == 1 || volumeOptions(v, parts[1], &vs) == nil {
			dst, err := destination("{-volume}", v, parts[0])
			vs.Destination = dst
			return vs, err
		}
	}
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return runtime.VolumeSpec{}, setting.Errorf("invalid {-volume} %q: expected HOST-DIR:CTR-DIR[:OPTIONS], NAME:CTR-DIR[:OPTIONS] or CTR-DIR[:OPTIONS]", v)
	}
	dst, err := destination("{-volume}", v, parts[1])
	if err != nil {
		return runtime.VolumeSpec{}, err
	}
	vs := runtime.VolumeSpec{Kind: runtime.VolumeNamed, Source: parts[0], Destination: dst}
	if strings.HasPrefix(parts[0], "/") || strings.HasPrefix(parts[0], ".") {
		abs, err := filepath.Abs(parts[0])
		if err != nil {
			return vs, setting.Errorf("{-volume} %q: %w", v, err)
		}
		vs.Kind, vs.Source = runtime.VolumeBind, abs
	} else if err := runtime.CheckVolumeName(parts[0]); err != nil {
		return vs, setting.Errorf("{-volume} %q: %w", v, err)
	}
	if len(parts) == 3 {
		err = volumeOptions(v, parts[2], &vs)
	}
	return vs, err
}

// volumeOptions parses the OPTIONS of -v v into vs.
func volumeOptions(v, opts string, vs *runtime.VolumeSpec) error {
	relabel := ""
	for _, o := range strings.Split(opts, ",") {
		switch o {
		case "ro":
			vs.ReadOnly = true
		case "rw", "":
		case "z", "Z", "O":
			// z, Z: SELinux relabelling, which podman accepts on hosts
			// without SELinux, where there is no label to set; husk sets
			// no labels. O: an overlay on the source (the container's
			// changes are dropped when it stops).
			if relabel != "" {
				return setting.Errorf("{-volume} %q: give one of z, Z, O (as podman)", v)
			}
			relabel = o
			if o == "O" {
				if vs.Kind != runtime.VolumeBind {
					return setting.Errorf("{-volume} %q: O (an overlay) is for host directories: HOST-DIR:CTR-DIR:O", v)
				}
				vs.Options = append(vs.Options, o)
			}
		case "U":
			if vs.Kind == runtime.VolumeTmpfs {
				return setting.Errorf("{-volume} %q: U is for bind mounts and volumes", v)
			}
			vs.Options = append(vs.Options, o)
		case "idmap":
			return setting.Errorf("{-volume} %q: idmapped mounts (idmap) are not supported by husk: use U to give the files to the container's user", v)
		case "nocopy":
			vs.Options = append(vs.Options, o)
		case "private", "rprivate", "shared", "rshared", "slave", "rslave":
			vs.Options = append(vs.Options, o)
		default:
			return setting.Errorf("{-volume} %q: unknown option %q (use ro, rw, U, z, Z, nocopy or a propagation mode)", v, o)
		}
	}
	return nil
}

// parseMount parses --mount type=…,source=…,target=….
//
// Long and branchy (complexity ~32) on purpose: one flat switch over the
// keys docker's --mount takes, each case a few lines; split up, the
// checks that span keys (type against the keys it allows) would be
// spread over several functions.
func parseMount(m string) (runtime.VolumeSpec, error) {
	vs := runtime.VolumeSpec{}
	for _, field := range strings.Split(m, ",") {
		k, val, _ := strings.Cut(field, "=")
		switch k {
		case "type":
			switch val {
			case "bind", "tmpfs", "volume", "ramfs", "devpts":
				vs.Kind = runtime.VolumeKind(val)
			case "image":
				return vs, errImageMount
			default:
				return vs, setting.Errorf("{mount} %q: unsupported type %q (bind, tmpfs, volume, ramfs, devpts)", m, val)
			}
		case "source", "src":
			vs.Source = val
		case "target", "destination", "dst":
			vs.Destination = val
		case "readonly", "ro":
			switch val {
			case "", "true", "1":
				vs.ReadOnly = true
			case "false", "0":
				vs.ReadOnly = false
			default:
				return vs, setting.Errorf("{mount} %q: readonly takes true or false, not %q", m, val)
			}
		case "tmpfs-size":
			vs.Options = append(vs.Options, "size="+val)
		case "tmpfs-mode":
			vs.Options = append(vs.Options, "mode="+val)
		case "bind-propagation":
			if !propagation[val] {
				return vs, setting.Errorf("{mount} %q: bind-propagation %q: use private, rprivate, shared, rshared, slave or rslave", m, val)
			}
			vs.Options = append(vs.Options, val)
		default:
			return vs, setting.Errorf("{mount} %q: unknown option %q", m, k)
		}
	}
	if vs.Kind == "" || vs.Destination == "" {
		return vs, setting.Errorf("{mount} %q: type= and target= are required", m)
	}
	dst, err := destination("{mount}", m, vs.Destination)
	if err != nil {
		return vs, err
	}
	vs.Destination = dst
	switch vs.Kind {
	case runtime.VolumeBind:
		if vs.Source == "" {
			return vs, setting.Errorf("{mount} %q: source= is required for bind mounts", m)
		}
		abs, err := filepath.Abs(vs.Source)
		if err != nil {
			return vs, setting.Errorf("{mount} %q: %w", m, err)
		}
		vs.Source = abs
	case runtime.VolumeNamed:
		if vs.Source == "" {
			return vs, setting.Errorf("{mount} %q: source= (the volume name) is required", m)
		}
		if err := runtime.CheckVolumeName(vs.Source); err != nil {
			return vs, setting.Errorf("{mount} %q: %w", m, err)
		}
	case runtime.VolumeTmpfs:
		if vs.Source != "" {
			return vs, setting.Errorf("{mount} %q: a tmpfs takes no source=", m)
		}
	case runtime.VolumeRamfs, runtime.VolumeDevpts:
		if vs.Source != "" || len(vs.Options) > 0 {
			return vs, setting.Errorf("{mount} %q: type=%s takes only target= and readonly", m, vs.Kind)
		}
	}
	for _, o := range vs.Options {
		if vs.Kind != runtime.VolumeTmpfs && (strings.HasPrefix(o, "size=") || strings.HasPrefix(o, "mode=")) {
			return vs, setting.Errorf("{mount} %q: tmpfs-size and tmpfs-mode are for type=tmpfs", m)
		}
		if vs.Kind == runtime.VolumeTmpfs && propagation[o] {
			return vs, setting.Errorf("{mount} %q: bind-propagation is for type=bind", m)
		}
	}
	if vs.Kind == runtime.VolumeTmpfs {
		if err := checkTmpfsOptions(vs.Options); err != nil {
			return vs, setting.Errorf("{mount} %q: %w", m, err)
		}
	}
	return vs, nil
}

var propagation = map[string]bool{"private": true, "rprivate": true, "shared": true, "rshared": true, "slave": true, "rslave": true}

// parseTmpfs parses --tmpfs CTR-DIR[:OPTIONS].
func parseTmpfs(t string) (runtime.VolumeSpec, error) {
	dst, opts, hasOpts := strings.Cut(t, ":")
	clean, err := destination("{tmpfs}", t, dst)
	if err != nil {
		return runtime.VolumeSpec{}, err
	}
	vs := runtime.VolumeSpec{Kind: runtime.VolumeTmpfs, Destination: clean}
	if hasOpts {
		vs.Options = strings.Split(opts, ",")
		if err := checkTmpfsOptions(vs.Options); err != nil {
			return vs, setting.Errorf("{tmpfs} %q: %w", t, err)
		}
	}
	return vs, nil
}

// tmpfsFlags are the mount flags a tmpfs takes without a value.
var tmpfsFlags = map[string]bool{
	"ro": true, "rw": true, "exec": true, "noexec": true, "suid": true, "nosuid": true, "dev": true, "nodev": true,
	"atime": true, "noatime": true, "diratime": true, "nodiratime": true, "relatime": true, "norelatime": true,
	"strictatime": true, "nostrictatime": true, "sync": true, "async": true, "dirsync": true,
	"tmpcopyup": true, "notmpcopyup": true,
}

// checkTmpfsOptions validates tmpfs options the way the kernel reads them,
// so that a typo is husk's error naming the option instead of the
// runtime's "invalid argument" after the container was created.
func checkTmpfsOptions(opts []string) error {
	for _, o := range opts {
		k, v, hasValue := strings.Cut(o, "=")
		switch k {
		case "size", "nr_blocks", "nr_inodes":
			if !hasValue || !isMemparse(v, k == "size") {
				suffix := "k, m or g"
				if k == "size" {
					suffix += " (or %, of the memory)"
				}
				return fmt.Errorf("%s %q: use a number with an optional %s suffix, e.g. %s=64m", k, v, suffix, k)
			}
		case "mode":
			if !hasValue || !isOctalMode(v) {
				return fmt.Errorf("mode %q: use octal permissions such as 1777 or 0755", v)
			}
		case "uid", "gid":
			if _, err := strconv.ParseUint(v, 10, 32); !hasValue || err != nil {
				return fmt.Errorf("%s %q: use a number", k, v)
			}
		case "huge":
			switch v {
			case "never", "always", "within_size", "advise", "deny", "force":
			default:
				return fmt.Errorf("huge %q: use never, always, within_size or advise", v)
			}
		case "":
			return fmt.Errorf("empty option")
		default:
			if !tmpfsFlags[o] {
				return fmt.Errorf("unknown tmpfs option %q: use size=, mode=, nr_inodes=, uid=, gid= or mount flags such as noexec", o)
			}
		}
	}
	return nil
}

// isMemparse reports whether s is a number the kernel's memparse takes:
// digits with an optional k, m, g, t, p or e suffix (or %, for size=).
func isMemparse(s string, percent bool) bool {
	if s == "" {
		return false
	}
	switch s[len(s)-1] {
	case 'k', 'K', 'm', 'M', 'g', 'G', 't', 'T', 'p', 'P', 'e', 'E':
		s = s[:len(s)-1]
	case '%':
		if !percent {
			return false
		}
		s = s[:len(s)-1]
	}
	if !isDigits(s) {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func isOctalMode(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	n, err := strconv.ParseUint(s, 8, 32)
	return err == nil && n <= 0o7777
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
