package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
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
// the positional arguments.
func (c *containerFlags) config(image string, args []string) (runtime.Config, error) {
	cfg := runtime.Config{
		Name: c.name, Image: image, Command: args, User: c.user, Workdir: c.workdir,
		Hostname: c.hostname, Interactive: c.interactive, TTY: c.tty, ReadOnly: c.readOnly,
		CapAdd: c.capAdd, CapDrop: c.capDrop, Privileged: c.privileged, Remove: c.rm,
	}
	if c.fs.Changed("entrypoint") {
		ep, err := parseEntrypoint(c.entrypoint)
		if err != nil {
			return cfg, err
		}
		cfg.Entrypoint = &ep
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
	cfg.Net, cfg.Network = net, runtime.NetworkMode(net.Mode)
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
	for _, e := range c.env {
		if e == "" {
			return cfg, fmt.Errorf("empty --env")
		}
		if !strings.Contains(e, "=") {
			v, ok := os.LookupEnv(e)
			if !ok {
				continue
			}
			e = e + "=" + v
		}
		cfg.Env = append(cfg.Env, e)
	}
	for _, s := range c.securityOpt {
		switch {
		case s == "no-new-privileges" || s == "no-new-privileges=true" || s == "no-new-privileges:true":
			cfg.NoNewPrivileges = true
		case s == "seccomp=unconfined" || s == "seccomp:unconfined":
			cfg.Seccomp.Unconfined = true
		case strings.HasPrefix(s, "seccomp=") || strings.HasPrefix(s, "seccomp:"):
			b, err := os.ReadFile(s[len("seccomp="):])
			if err != nil {
				return cfg, fmt.Errorf("--security-opt %q: %w", s, err)
			}
			cfg.Seccomp.Profile = string(b)
		default:
			return cfg, fmt.Errorf("unsupported --security-opt %q: use seccomp=unconfined|FILE or no-new-privileges", s)
		}
	}
	for _, v := range c.volumes {
		vs, err := parseVolume(v)
		if err != nil {
			return cfg, err
		}
		cfg.Volumes = append(cfg.Volumes, vs)
	}
	for _, m := range c.mounts {
		vs, err := parseMount(m)
		if err != nil {
			return cfg, err
		}
		cfg.Volumes = append(cfg.Volumes, vs)
	}
	logLimits, err := parseLogOpts(c.logOpts)
	if err != nil {
		return cfg, err
	}
	cfg.LogMaxSize, cfg.LogMaxFiles = logLimits.MaxSize, logLimits.MaxFiles
	for _, t := range c.tmpfs {
		dst, opts, _ := strings.Cut(t, ":")
		vs := runtime.VolumeSpec{Kind: runtime.VolumeTmpfs, Destination: dst}
		if opts != "" {
			vs.Options = strings.Split(opts, ",")
		}
		cfg.Volumes = append(cfg.Volumes, vs)
	}
	return cfg, nil
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
	vs := runtime.VolumeSpec{Kind: runtime.VolumeNamed, Source: parts[0], Destination: parts[1]}
	if strings.HasPrefix(parts[0], "/") || strings.HasPrefix(parts[0], ".") {
		abs, err := filepath.Abs(parts[0])
		if err != nil {
			return vs, fmt.Errorf("-v %q: %w", v, err)
		}
		vs.Kind, vs.Source = runtime.VolumeBind, abs
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
			vs.ReadOnly = val == "" || val == "true" || val == "1"
		case "tmpfs-size":
			vs.Options = append(vs.Options, "size="+val)
		case "tmpfs-mode":
			vs.Options = append(vs.Options, "mode="+val)
		case "bind-propagation":
			vs.Options = append(vs.Options, val)
		default:
			return vs, fmt.Errorf("--mount %q: unknown option %q", m, k)
		}
	}
	if vs.Kind == "" || vs.Destination == "" {
		return vs, fmt.Errorf("--mount %q: type= and target= are required", m)
	}
	if vs.Kind == runtime.VolumeBind {
		if vs.Source == "" {
			return vs, fmt.Errorf("--mount %q: source= is required for bind mounts", m)
		}
		abs, err := filepath.Abs(vs.Source)
		if err != nil {
			return vs, err
		}
		vs.Source = abs
	}
	if vs.Kind == runtime.VolumeNamed && vs.Source == "" {
		return vs, fmt.Errorf("--mount %q: source= (the volume name) is required", m)
	}
	return vs, nil
}

func readEnvFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--env-file: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// Like docker: leading white space goes, a value keeps its
		// trailing white space.
		line := strings.TrimLeft(sc.Text(), " \t")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.Contains(line, "=") {
			if v, ok := os.LookupEnv(line); ok {
				out = append(out, line+"="+v)
			}
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--env-file %s: %w", path, err)
	}
	return out, nil
}

// parseSize reads "512", "10k", "10m", "1g" (powers of 1024, like docker).
func parseSize(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "k") || strings.HasSuffix(s, "kb"):
		mult, s = 1<<10, strings.TrimRight(s, "kb")
	case strings.HasSuffix(s, "m") || strings.HasSuffix(s, "mb"):
		mult, s = 1<<20, strings.TrimRight(s, "mb")
	case strings.HasSuffix(s, "g") || strings.HasSuffix(s, "gb"):
		mult, s = 1<<30, strings.TrimRight(s, "gb")
	case strings.HasSuffix(s, "b"):
		s = strings.TrimSuffix(s, "b")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid size: use a number with an optional k, m or g suffix")
	}
	return n * mult, nil
}
