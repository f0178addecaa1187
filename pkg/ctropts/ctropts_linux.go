package ctropts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/husk-dev/husk/internal/labels"
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/userfile"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// Option is a setting's name, as errors name it (internal/setting: the
// command line spells it as its flag) and Options.Given asks about it.
type Option = string

// The options whose zero value means something (Options.Given).
const (
	OptName       Option = "name"
	OptEntrypoint Option = "entrypoint"
	OptUser       Option = "user"
	OptNetwork    Option = "network"
)

// Options are a new container's settings as given. Given reports whether
// the user gave an option whose zero value means something (nil: only
// non-zero values were given); Name, User, Entrypoint, Network.Mode and
// the limits ask it.
type Options struct {
	Name        string
	Entrypoint  string
	Env         []string
	EnvFiles    []string
	User        string
	Workdir     string
	Hostname    string
	Interactive bool
	TTY         bool
	ReadOnly    bool
	Network     Network
	Volumes     []string
	Mounts      []string
	Tmpfs       []string
	CapAdd      []string
	CapDrop     []string
	Privileged  bool
	SecurityOpt []string
	Userns      string
	IDMaps      IDMapFlags
	// Rootfs: the image argument is a root directory (--rootfs).
	Rootfs       bool
	CgroupParent string
	Remove       bool
	Restart      string // --restart (restart_linux.go)
	LogOpts      []string
	Limits       Limits
	Cgroups      string
	// Labels (--label), LabelFiles (--label-file) and Annotations
	// (--annotation); the image's labels are added at create.
	Labels, LabelFiles, Annotations []string
	// Run are the settings of run's later flags (runopts_linux.go).
	Run RunFlags
	// Services are --secret, --init, --init-path (services_linux.go).
	Services ServiceFlags
	// Devices are --device and --device-cgroup-rule (devices_linux.go).
	Devices DeviceFlags
	Given   func(Option) bool
	// LookupEnv reads husk's own environment for -e NAME (nil:
	// os.LookupEnv).
	LookupEnv func(string) (string, bool)
}

func (o *Options) given(opt Option) bool {
	if o.Given == nil {
		return false
	}
	return o.Given(opt)
}

func (o *Options) lookupEnv() func(string) (string, bool) {
	if o.LookupEnv == nil {
		return os.LookupEnv
	}
	return o.LookupEnv
}

// Config validates the options into a container config. image and args
// are the image and its command. Everything the options alone can tell is
// checked here, before the store is opened or anything is created.
//
// Long (~90 lines, complexity ~29) on purpose: one check or assignment
// per option, in flag order, so that a reader finds each option once.
func (o *Options) Config(image string, args []string) (runtime.Config, error) {
	cfg := runtime.Config{
		Name: o.Name, Image: image, Command: args, User: o.User, Workdir: o.Workdir,
		Hostname: o.Hostname, Interactive: o.Interactive, TTY: o.TTY, ReadOnly: o.ReadOnly,
		CapAdd: o.CapAdd, CapDrop: o.CapDrop, Privileged: o.Privileged, Remove: o.Remove,
	}
	if strings.TrimSpace(image) == "" {
		return cfg, fmt.Errorf("empty image name: give the image to run")
	}
	if o.given(OptEntrypoint) {
		ep, err := parseEntrypoint(o.Entrypoint)
		if err != nil {
			return cfg, err
		}
		cfg.Entrypoint = &ep
	}
	if o.given(OptName) {
		if err := runtime.CheckContainerName(o.Name); err != nil {
			return cfg, setting.Errorf("{name}: %w", err)
		}
	}
	if o.Hostname != "" {
		if err := spec.CheckHostname(o.Hostname); err != nil {
			return cfg, setting.Errorf("{hostname}: %w", err)
		}
	}
	if o.Workdir != "" && !strings.HasPrefix(o.Workdir, "/") {
		return cfg, setting.Errorf("{-workdir} %q: the working directory must be an absolute path", o.Workdir)
	}
	if o.given(OptUser) {
		if err := runtime.CheckUserSpec(fmt.Sprintf("%q", o.User), o.User, runtime.NamespaceIDs{}); err != nil {
			return cfg, setting.Errorf("{-user} %w", err)
		}
	}
	net, err := o.Network.Config()
	if err != nil {
		return cfg, err
	}
	if !o.given(OptNetwork) && net.Mode == netns.ModePrivate && !netns.HelperInstalled() {
		// Without pasta or slirp4netns the default is no network (an
		// explicit --network private says what to install).
		net.Mode = netns.ModeNone
	}
	cfg.Net = net
	if err := o.Limits.Apply(&cfg.Resources, o.Given); err != nil {
		return cfg, err
	}
	switch o.Cgroups {
	case "enabled", "":
	case "disabled":
		cfg.CgroupsDisabled = true
	default:
		return cfg, setting.Errorf("invalid {cgroups} %q: use enabled or disabled", o.Cgroups)
	}
	if err := userns(&cfg, o.Userns, o.IDMaps); err != nil {
		return cfg, err
	}
	cfg.CgroupParent = o.CgroupParent
	if o.Rootfs {
		if err := rootfsDir(&cfg); err != nil {
			return cfg, err
		}
	}
	if err := o.Run.apply(&cfg, o.given, o.Network); err != nil {
		return cfg, err
	}
	if err := o.Services.apply(&cfg); err != nil {
		return cfg, err
	}
	if err := o.Devices.apply(&cfg); err != nil {
		return cfg, err
	}
	if err := restart(&cfg, o.Restart); err != nil {
		return cfg, err
	}
	cfg.Env = o.Run.inheritedEnv(o.lookupEnv())
	for _, f := range o.EnvFiles {
		vars, err := readEnvFile(f, o.lookupEnv())
		if err != nil {
			return cfg, err
		}
		cfg.Env = append(cfg.Env, vars...)
	}
	vars, err := Env(o.Env, o.lookupEnv())
	if err != nil {
		return cfg, err
	}
	cfg.Env = append(cfg.Env, vars...)
	if err := securityOpts(&cfg, o.SecurityOpt); err != nil {
		return cfg, err
	}
	if cfg.ImageMounts, err = imageMounts(o.Mounts); err != nil {
		return cfg, err
	}
	if cfg.Volumes, err = volumes(o.Volumes, withoutImageMounts(o.Mounts), o.Tmpfs); err != nil {
		return cfg, err
	}
	logLimits, err := ParseLogOpts(o.LogOpts)
	if err != nil {
		return cfg, err
	}
	cfg.LogMaxSize, cfg.LogMaxFiles = logLimits.MaxSize, logLimits.MaxFiles
	if cfg.Labels, err = labels.Parse(o.Labels, o.LabelFiles); err != nil {
		return cfg, err
	}
	cfg.Annotations, err = labels.Annotations(o.Annotations)
	return cfg, err
}

// parseEntrypoint accepts a plain command or a JSON array, like docker.
func parseEntrypoint(s string) ([]string, error) {
	if strings.HasPrefix(strings.TrimSpace(s), "[") {
		var ep []string
		if err := json.Unmarshal([]byte(s), &ep); err != nil {
			return nil, setting.Errorf("{entrypoint} %q: invalid JSON array: %w", s, err)
		}
		return ep, nil
	}
	if s == "" {
		return []string{}, nil
	}
	return []string{s}, nil
}

// Env validates -e values: NAME=VALUE, or NAME to copy husk's own
// variable (looked up with lookup; skipped when unset).
func Env(vals []string, lookup func(string) (string, bool)) ([]string, error) {
	var out []string
	for _, e := range vals {
		if e == "" {
			return nil, setting.Errorf("empty {env}: use NAME=VALUE")
		}
		v, ok, err := envEntry(e, lookup)
		if err != nil {
			return nil, setting.Errorf("{-env} %q: %w", e, err)
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

func readEnvFile(path string, lookup func(string) (string, bool)) ([]string, error) {
	b, err := userfile.Read(path, userfile.EnvFileLimit)
	if err != nil {
		return nil, setting.Errorf("{env-file}: %w", err)
	}
	vars, err := parseEnvFile(b, lookup)
	if err != nil {
		return nil, setting.Errorf("{env-file} %q: %w", path, err)
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

// ParseSize reads "512", "10k", "10kb", "10m", "1g", "1t", and fractions
// such as "3.055m" (powers of 1024, like docker; any case; rounded down to
// a byte).
func ParseSize(s string) (int64, error) {
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
	whole, frac, hasFrac := strings.Cut(t, ".")
	if !isDigits(whole) || (hasFrac && !isDigits(frac)) {
		return 0, bad
	}
	if hasFrac {
		f, err := strconv.ParseFloat(t, 64)
		if err != nil || f*float64(mult) >= math.MaxInt64 {
			return 0, fmt.Errorf("invalid size: %q is too large", s)
		}
		if n := int64(f * float64(mult)); n > 0 {
			return n, nil
		}
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
