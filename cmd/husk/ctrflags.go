//go:build linux

package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/internal/userfile"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// containerFlags are the flags of run and create; config() validates them
// into a runtime.Config.
type containerFlags struct {
	fs          *pflag.FlagSet
	name        string
	entrypoint  string
	env         []string
	envFiles    []string
	user        string
	workdir     string
	hostname    string
	interactive bool
	tty         bool
	readOnly    bool
	net         *networkFlags
	volumes     []string
	mounts      []string
	tmpfs       []string
	capAdd      []string
	capDrop     []string
	privileged  bool
	securityOpt []string
	userns      string
	rm          bool
	pull        string
	platform    string
	registry    *registryFlags
	detach      bool
	logOpts     []string
	resources   *resourceFlags
	cgroups     string
}

func addContainerFlags(fs *pflag.FlagSet) *containerFlags {
	c := &containerFlags{fs: fs}
	fs.SetInterspersed(false) // flags after the image belong to the command
	fs.StringVar(&c.name, "name", "", "name of the container (default: a generated one)")
	fs.StringVar(&c.entrypoint, "entrypoint", "", "replace the image's ENTRYPOINT (a string or a JSON array)")
	fs.StringArrayVarP(&c.env, "env", "e", nil, "set an environment variable: NAME=VALUE, or NAME to copy it from husk's environment")
	fs.StringArrayVar(&c.envFiles, "env-file", nil, "read environment variables from a file (NAME=VALUE lines)")
	fs.StringVarP(&c.user, "user", "u", "", "run as name|uid[:group|gid] (resolved in the image's /etc/passwd and /etc/group)")
	fs.StringVarP(&c.workdir, "workdir", "w", "", "working directory in the container (created if missing)")
	fs.StringVar(&c.hostname, "hostname", "", "container host name (default: the short container ID)")
	fs.BoolVarP(&c.interactive, "interactive", "i", false, "keep stdin open and connected to the container")
	fs.BoolVarP(&c.tty, "tty", "t", false, "allocate a pseudo-terminal")
	fs.BoolVar(&c.readOnly, "read-only", false, "mount the container's root filesystem read-only")
	c.net = addNetworkFlags(fs)
	fs.StringArrayVarP(&c.volumes, "volume", "v", nil, "bind mount HOST-DIR:CTR-DIR[:ro] or named volume NAME:CTR-DIR[:ro]")
	fs.StringArrayVar(&c.mounts, "mount", nil, "mount type=bind|tmpfs|volume,source=…,target=…[,readonly][,tmpfs-size=…][,tmpfs-mode=…]")
	fs.StringArrayVar(&c.tmpfs, "tmpfs", nil, "mount a tmpfs at CTR-DIR[:OPTIONS]")
	fs.StringArrayVar(&c.capAdd, "cap-add", nil, "add a capability (or ALL)")
	fs.StringArrayVar(&c.capDrop, "cap-drop", nil, "drop a capability (or ALL)")
	fs.BoolVar(&c.privileged, "privileged", false, "all capabilities, no seccomp, no masked paths, host devices (as far as the user namespace allows)")
	fs.StringArrayVar(&c.securityOpt, "security-opt", nil, "seccomp=unconfined|PROFILE.json, no-new-privileges")
	fs.StringVar(&c.userns, "userns", "", "user namespace mode: keep-id runs as your uid and gid, mapped to yours on the host, with your account in the image's /etc/passwd when it has none")
	fs.BoolVar(&c.rm, "rm", false, "remove the container when it exits")
	fs.StringVar(&c.pull, "pull", "missing", "pull the image: missing, always or never")
	fs.StringVar(&c.platform, "platform", "", "OS/ARCH[/VARIANT] of the image to pull")
	c.registry = addRegistryFlags(fs, true)
	fs.BoolVarP(&c.detach, "detach", "d", false, "run in the background and print the container ID")
	fs.StringArrayVar(&c.logOpts, "log-opt", nil, fmt.Sprintf("log option: max-size=SIZE rotates the container log past SIZE (default %dm, -1: never), max-file=N keeps N files of it (default %d)",
		runtime.DefaultLogMaxSize>>20, runtime.DefaultLogMaxFiles))
	c.resources = addResourceFlags(fs)
	fs.StringVar(&c.cgroups, "cgroups", "enabled", "enabled: the container gets a cgroup of its own; disabled: it stays in husk's")
	return c
}

// config validates the flags into a container config. image and args are
// the positional arguments. Everything the flags alone can tell is checked
// here, before the store is opened or anything is created.
func (c *containerFlags) config(image string, args []string) (runtime.Config, error) {
	cfg := runtime.Config{
		Name: c.name, Image: image, Command: args, User: c.user, Workdir: c.workdir,
		Hostname: c.hostname, Interactive: c.interactive, TTY: c.tty, ReadOnly: c.readOnly,
		CapAdd: c.capAdd, CapDrop: c.capDrop, Privileged: c.privileged, Remove: c.rm,
	}
	if strings.TrimSpace(image) == "" {
		return cfg, fmt.Errorf("empty image name: give the image to run")
	}
	if c.fs.Changed("entrypoint") {
		ep, err := parseEntrypoint(c.entrypoint)
		if err != nil {
			return cfg, err
		}
		cfg.Entrypoint = &ep
	}
	if c.fs.Changed("name") {
		if err := runtime.CheckContainerName(c.name); err != nil {
			return cfg, fmt.Errorf("--name: %w", err)
		}
	}
	if c.hostname != "" {
		if err := spec.CheckHostname(c.hostname); err != nil {
			return cfg, fmt.Errorf("--hostname: %w", err)
		}
	}
	if c.workdir != "" && !strings.HasPrefix(c.workdir, "/") {
		return cfg, fmt.Errorf("-w %q: the working directory must be an absolute path", c.workdir)
	}
	if c.fs.Changed("user") {
		if err := runtime.CheckUserSpec(fmt.Sprintf("-u %q", c.user), c.user, runtime.NamespaceIDs{}); err != nil {
			return cfg, err
		}
	}
	net, err := c.net.config()
	if err != nil {
		return cfg, err
	}
	if !c.fs.Changed("network") && net.Mode == netns.ModePrivate && !netns.HelperInstalled() {
		// Without pasta or slirp4netns the default is no network (an
		// explicit --network private says what to install).
		net.Mode = netns.ModeNone
	}
	cfg.Net, cfg.Network = net, spec.NetworkMode(net.Mode)
	if err := c.resources.apply(&cfg.Resources); err != nil {
		return cfg, err
	}
	switch c.cgroups {
	case "enabled":
	case "disabled":
		cfg.CgroupsDisabled = true
	default:
		return cfg, fmt.Errorf("invalid --cgroups %q: use enabled or disabled", c.cgroups)
	}
	switch c.userns {
	case "":
	case "keep-id":
		cfg.KeepID = true
	default:
		return cfg, fmt.Errorf("unsupported --userns %q: use keep-id", c.userns)
	}
	for _, f := range c.envFiles {
		vars, err := readEnvFile(f)
		if err != nil {
			return cfg, err
		}
		cfg.Env = append(cfg.Env, vars...)
	}
	vars, err := parseEnvFlags(c.env, os.LookupEnv)
	if err != nil {
		return cfg, err
	}
	cfg.Env = append(cfg.Env, vars...)
	for _, s := range c.securityOpt {
		switch {
		case s == "no-new-privileges" || s == "no-new-privileges=true" || s == "no-new-privileges:true":
			cfg.NoNewPrivileges = true
		case s == "seccomp=unconfined" || s == "seccomp:unconfined":
			cfg.Seccomp.Unconfined = true
		case strings.HasPrefix(s, "seccomp=") || strings.HasPrefix(s, "seccomp:"):
			b, err := userfile.Read(s[len("seccomp="):], userfile.SeccompLimit)
			if err != nil {
				return cfg, fmt.Errorf("--security-opt %q: %w", s, err)
			}
			if err := spec.CheckSeccompProfile(string(b)); err != nil {
				return cfg, fmt.Errorf("--security-opt %q: %w", s, err)
			}
			cfg.Seccomp.Profile = string(b)
		default:
			return cfg, fmt.Errorf("unsupported --security-opt %q: use seccomp=unconfined|FILE or no-new-privileges", s)
		}
	}
	// Every mount, with the flag that asked for it (for the duplicate
	// check's message).
	var given []string
	add := func(flag, val string, vs runtime.VolumeSpec) {
		cfg.Volumes = append(cfg.Volumes, vs)
		given = append(given, fmt.Sprintf("%s %q", flag, val))
	}
	for _, v := range c.volumes {
		vs, err := parseVolume(v)
		if err != nil {
			return cfg, err
		}
		add("-v", v, vs)
	}
	for _, m := range c.mounts {
		vs, err := parseMount(m)
		if err != nil {
			return cfg, err
		}
		add("--mount", m, vs)
	}
	for _, t := range c.tmpfs {
		vs, err := parseTmpfs(t)
		if err != nil {
			return cfg, err
		}
		add("--tmpfs", t, vs)
	}
	seen := map[string]int{}
	for i, vs := range cfg.Volumes {
		if j, ok := seen[vs.Destination]; ok {
			return cfg, fmt.Errorf("%s and %s both mount on %s: give each destination once", given[j], given[i], vs.Destination)
		}
		seen[vs.Destination] = i
	}
	if err := checkBindSources(cfg.Volumes, given); err != nil {
		return cfg, err
	}
	logLimits, err := parseLogOpts(c.logOpts)
	if err != nil {
		return cfg, err
	}
	cfg.LogMaxSize, cfg.LogMaxFiles = logLimits.MaxSize, logLimits.MaxFiles
	return cfg, nil
}

// checkBindSources refuses bind mounts of host paths that do not exist,
// before anything is created (the runtime would fail later).
func checkBindSources(vols []runtime.VolumeSpec, given []string) error {
	for i, vs := range vols {
		if vs.Kind != runtime.VolumeBind {
			continue
		}
		if _, err := os.Stat(vs.Source); err != nil {
			return fmt.Errorf("%s: bind mount source: %w", given[i], err)
		}
	}
	return nil
}

// parseEntrypoint accepts a plain command or a JSON array, like docker.
func parseEntrypoint(s string) ([]string, error) {
	if strings.HasPrefix(strings.TrimSpace(s), "[") {
		var ep []string
		if err := jsonUnmarshal([]byte(s), &ep); err != nil {
			return nil, fmt.Errorf("--entrypoint %q: invalid JSON array: %w", s, err)
		}
		return ep, nil
	}
	if s == "" {
		return []string{}, nil
	}
	return []string{s}, nil
}

// destination validates a mount destination for flag's value v.
func destination(flag, v, dst string) (string, error) {
	clean, err := spec.CheckMountDestination(dst)
	if err != nil {
		return "", fmt.Errorf("%s %q: %w", flag, v, err)
	}
	return clean, nil
}

// parseVolume parses -v SRC:DST[:OPTS]. A SRC that is a path (starts with
// / or .) is a bind mount; otherwise it names a volume.
func parseVolume(v string) (runtime.VolumeSpec, error) {
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		if len(parts) == 1 && strings.HasPrefix(v, "/") {
			return runtime.VolumeSpec{}, fmt.Errorf("-v %q: anonymous volumes are not supported; use NAME:%s", v, v)
		}
		return runtime.VolumeSpec{}, fmt.Errorf("invalid -v %q: expected HOST-DIR:CTR-DIR[:ro] or NAME:CTR-DIR[:ro]", v)
	}
	dst, err := destination("-v", v, parts[1])
	if err != nil {
		return runtime.VolumeSpec{}, err
	}
	vs := runtime.VolumeSpec{Kind: runtime.VolumeNamed, Source: parts[0], Destination: dst}
	if strings.HasPrefix(parts[0], "/") || strings.HasPrefix(parts[0], ".") {
		abs, err := filepath.Abs(parts[0])
		if err != nil {
			return vs, fmt.Errorf("-v %q: %w", v, err)
		}
		vs.Kind, vs.Source = runtime.VolumeBind, abs
	} else if err := runtime.CheckVolumeName(parts[0]); err != nil {
		return vs, fmt.Errorf("-v %q: %w", v, err)
	}
	if len(parts) == 3 {
		for _, o := range strings.Split(parts[2], ",") {
			switch o {
			case "ro":
				vs.ReadOnly = true
			case "rw", "z", "Z", "":
			case "nocopy":
				vs.Options = append(vs.Options, o)
			case "private", "rprivate", "shared", "rshared", "slave", "rslave":
				vs.Options = append(vs.Options, o)
			default:
				return vs, fmt.Errorf("-v %q: unknown option %q (use ro, rw or a propagation mode)", v, o)
			}
		}
	}
	return vs, nil
}

// parseMount parses --mount type=…,source=…,target=….
func parseMount(m string) (runtime.VolumeSpec, error) {
	vs := runtime.VolumeSpec{}
	for _, field := range strings.Split(m, ",") {
		k, val, _ := strings.Cut(field, "=")
		switch k {
		case "type":
			switch val {
			case "bind", "tmpfs", "volume":
				vs.Kind = runtime.VolumeKind(val)
			default:
				return vs, fmt.Errorf("--mount %q: unsupported type %q (bind, tmpfs, volume)", m, val)
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
				return vs, fmt.Errorf("--mount %q: readonly takes true or false, not %q", m, val)
			}
		case "tmpfs-size":
			vs.Options = append(vs.Options, "size="+val)
		case "tmpfs-mode":
			vs.Options = append(vs.Options, "mode="+val)
		case "bind-propagation":
			if !propagation[val] {
				return vs, fmt.Errorf("--mount %q: bind-propagation %q: use private, rprivate, shared, rshared, slave or rslave", m, val)
			}
			vs.Options = append(vs.Options, val)
		default:
			return vs, fmt.Errorf("--mount %q: unknown option %q", m, k)
		}
	}
	if vs.Kind == "" || vs.Destination == "" {
		return vs, fmt.Errorf("--mount %q: type= and target= are required", m)
	}
	dst, err := destination("--mount", m, vs.Destination)
	if err != nil {
		return vs, err
	}
	vs.Destination = dst
	switch vs.Kind {
	case runtime.VolumeBind:
		if vs.Source == "" {
			return vs, fmt.Errorf("--mount %q: source= is required for bind mounts", m)
		}
		abs, err := filepath.Abs(vs.Source)
		if err != nil {
			return vs, fmt.Errorf("--mount %q: %w", m, err)
		}
		vs.Source = abs
	case runtime.VolumeNamed:
		if vs.Source == "" {
			return vs, fmt.Errorf("--mount %q: source= (the volume name) is required", m)
		}
		if err := runtime.CheckVolumeName(vs.Source); err != nil {
			return vs, fmt.Errorf("--mount %q: %w", m, err)
		}
	case runtime.VolumeTmpfs:
		if vs.Source != "" {
			return vs, fmt.Errorf("--mount %q: a tmpfs takes no source=", m)
		}
	}
	for _, o := range vs.Options {
		if vs.Kind != runtime.VolumeTmpfs && (strings.HasPrefix(o, "size=") || strings.HasPrefix(o, "mode=")) {
			return vs, fmt.Errorf("--mount %q: tmpfs-size and tmpfs-mode are for type=tmpfs", m)
		}
		if vs.Kind == runtime.VolumeTmpfs && propagation[o] {
			return vs, fmt.Errorf("--mount %q: bind-propagation is for type=bind", m)
		}
	}
	if vs.Kind == runtime.VolumeTmpfs {
		if err := checkTmpfsOptions(vs.Options); err != nil {
			return vs, fmt.Errorf("--mount %q: %w", m, err)
		}
	}
	return vs, nil
}

var propagation = map[string]bool{"private": true, "rprivate": true, "shared": true, "rshared": true, "slave": true, "rslave": true}

// parseTmpfs parses --tmpfs CTR-DIR[:OPTIONS].
func parseTmpfs(t string) (runtime.VolumeSpec, error) {
	dst, opts, hasOpts := strings.Cut(t, ":")
	clean, err := destination("--tmpfs", t, dst)
	if err != nil {
		return runtime.VolumeSpec{}, err
	}
	vs := runtime.VolumeSpec{Kind: runtime.VolumeTmpfs, Destination: clean}
	if hasOpts {
		vs.Options = strings.Split(opts, ",")
		if err := checkTmpfsOptions(vs.Options); err != nil {
			return vs, fmt.Errorf("--tmpfs %q: %w", t, err)
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

// parseEnvFlags validates -e values: NAME=VALUE, or NAME to copy husk's
// own variable (skipped when unset).
func parseEnvFlags(vals []string, lookup func(string) (string, bool)) ([]string, error) {
	var out []string
	for _, e := range vals {
		if e == "" {
			return nil, fmt.Errorf("empty --env: use NAME=VALUE")
		}
		v, ok, err := envEntry(e, lookup)
		if err != nil {
			return nil, fmt.Errorf("-e %q: %w", e, err)
		}
		if ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// envEntry checks one NAME=VALUE (or NAME, looked up) for the
// container's environment: the runtime refuses an empty name, and the
// kernel a NUL byte.
func envEntry(e string, lookup func(string) (string, bool)) (string, bool, error) {
	name, _, hasValue := strings.Cut(e, "=")
	switch {
	case strings.TrimSpace(name) == "":
		return "", false, fmt.Errorf("empty variable name: use NAME=VALUE")
	case strings.IndexByte(e, 0) >= 0:
		return "", false, fmt.Errorf("contains a NUL byte")
	}
	if hasValue {
		return e, true, nil
	}
	v, ok := lookup(name)
	if !ok {
		return "", false, nil
	}
	return name + "=" + v, true, nil
}

func readEnvFile(path string) ([]string, error) {
	b, err := userfile.Read(path, userfile.EnvFileLimit)
	if err != nil {
		return nil, fmt.Errorf("--env-file: %w", err)
	}
	vars, err := parseEnvFile(b, os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("--env-file %q: %w", path, err)
	}
	return vars, nil
}

// parseEnvFile reads NAME=VALUE lines as docker does: leading white space
// goes, a value keeps its trailing white space, # starts a comment line,
// and a NAME alone copies husk's own variable.
func parseEnvFile(b []byte, lookup func(string) (string, bool)) ([]string, error) {
	var out []string
	for i, raw := range bytes.Split(b, []byte("\n")) {
		line := strings.TrimLeft(strings.TrimSuffix(string(raw), "\r"), " \t")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("line %d: not valid UTF-8", i+1)
		}
		name, _, _ := strings.Cut(line, "=")
		if strings.ContainsAny(name, " \t\v\f") {
			return nil, fmt.Errorf("line %d: variable name %q contains white space", i+1, name)
		}
		v, ok, err := envEntry(line, lookup)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		if ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// parseSize reads "512", "10k", "10kb", "10m", "1g", "1t" (powers of
// 1024, like docker; any case).
func parseSize(s string) (int64, error) {
	bad := fmt.Errorf("invalid size: use a number with an optional k, m or g suffix")
	t := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "b")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k':
			mult = 1 << 10
		case 'm':
			mult = 1 << 20
		case 'g':
			mult = 1 << 30
		case 't':
			mult = 1 << 40
		case 'p':
			mult = 1 << 50
		}
		if mult != 1 {
			t = t[:n-1]
		}
	}
	if !isDigits(t) {
		return 0, bad
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return 0, bad
	}
	if err != nil || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("invalid size: %q is too large", s)
	}
	if n <= 0 {
		return 0, bad
	}
	return n * mult, nil
}
