package compose

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
)

// The labels docker compose v2 puts on what it makes: "husk ps --filter
// label=com.docker.compose.project=NAME" finds a project's containers.
const (
	LabelProject    = "com.docker.compose.project"
	LabelService    = "com.docker.compose.service"
	LabelNumber     = "com.docker.compose.container-number"
	LabelOneoff     = "com.docker.compose.oneoff"
	LabelConfigHash = "com.docker.compose.config-hash"
	LabelNetwork    = "com.docker.compose.network"
	LabelVolume     = "com.docker.compose.volume"
	LabelWorkDir    = "com.docker.compose.project.working_dir"
	LabelFiles      = "com.docker.compose.project.config_files"
)

// Container is one container of a service, as husk creates it.
type Container struct {
	Service string
	Name    string
	Number  int
	// Args are "husk run" arguments (without -d): options, image,
	// command.
	Args []string
	// Hash sums the configuration: a container whose label differs is
	// recreated by up.
	Hash string
	// BindDirs are bind sources to create when missing, as docker does
	// (create_host_path), just before the container is.
	BindDirs []string
}

// ContainerName is docker compose v2's name: PROJECT-SERVICE-N.
func ContainerName(project, service string, n int) string {
	return fmt.Sprintf("%s-%s-%d", project, service, n)
}

// Containers are the containers of service s, with their run arguments.
// Warnings are for keys husk does without that change nothing the
// application sees.
func Containers(p *types.Project, s types.ServiceConfig) ([]Container, []string, error) {
	warnings, err := checkService(s)
	if err != nil {
		return nil, nil, err
	}
	scale := s.GetScale()
	if s.ContainerName != "" && scale > 1 {
		return nil, nil, fmt.Errorf("service %q: container_name %q with %d replicas: names must be unique; remove container_name", s.Name, s.ContainerName, scale)
	}
	opts, err := runOptions(p, s)
	if err != nil {
		return nil, nil, fmt.Errorf("service %q: %w", s.Name, err)
	}
	var out []Container
	for n := 1; n <= scale; n++ {
		name := ContainerName(p.Name, s.Name, n)
		if s.ContainerName != "" {
			name = s.ContainerName
		}
		args := append([]string{"--name", name}, opts...)
		args = append(args, labelArgs(p, s, n, false)...)
		args = append(args, imageAndCommand(s)...)
		sum := sha256.Sum256([]byte(strings.Join(args, "\x00")))
		hash := hex.EncodeToString(sum[:])
		args = append([]string{"--label", LabelConfigHash + "=" + hash}, args...)
		out = append(out, Container{Service: s.Name, Name: name, Number: n, Args: args, Hash: hash, BindDirs: bindDirs(s)})
	}
	return out, warnings, nil
}

// labelArgs are the service's labels and compose's own.
func labelArgs(p *types.Project, s types.ServiceConfig, n int, oneoff bool) []string {
	labels := map[string]string{}
	for k, v := range s.Labels {
		labels[k] = v
	}
	labels[LabelProject] = p.Name
	labels[LabelService] = s.Name
	labels[LabelNumber] = strconv.Itoa(n)
	labels[LabelOneoff] = "False"
	if oneoff {
		labels[LabelOneoff] = "True"
	}
	labels[LabelWorkDir] = p.WorkingDir
	labels[LabelFiles] = strings.Join(p.ComposeFiles, ",")
	var out []string
	for _, k := range sortedKeys(labels) {
		out = append(out, "--label", k+"="+labels[k])
	}
	return out
}

func imageAndCommand(s types.ServiceConfig) []string {
	return append([]string{s.Image}, s.Command...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// runOptions are the "husk run" options of a service's settings, in a
// stable order (the hash depends on it).
func runOptions(p *types.Project, s types.ServiceConfig) ([]string, error) {
	var a []string
	add := func(flag string, values ...string) {
		for _, v := range values {
			a = append(a, flag, v)
		}
	}
	netArgs, err := networkArgs(p, s)
	if err != nil {
		return nil, err
	}
	a = append(a, netArgs...)
	for _, k := range sortedKeys(s.Environment) {
		if v := s.Environment[k]; v != nil {
			add("--env", k+"="+*v)
		}
	}
	if s.Entrypoint != nil {
		b, err := json.Marshal([]string(s.Entrypoint))
		if err != nil {
			return nil, err
		}
		add("--entrypoint", string(b))
	}
	for flag, v := range map[string]string{"--user": s.User, "--workdir": s.WorkingDir, "--hostname": s.Hostname,
		"--stop-signal": s.StopSignal, "--ipc": s.Ipc, "--pid": s.Pid, "--uts": s.Uts, "--userns": s.UserNSMode,
		"--platform": s.Platform, "--cgroup-parent": s.CgroupParent, "--cgroupns": s.Cgroup} {
		if v != "" {
			add(flag, v)
		}
	}
	sortPairs(a, len(netArgs))
	a = append(a, listOptions(s)...)
	for _, part := range []func(types.ServiceConfig) ([]string, error){portArgs, healthArgs, restartArgs, resourceArgs} {
		more, err := part(s)
		if err != nil {
			return nil, err
		}
		a = append(a, more...)
	}
	vols, err := volumeArgs(p, s)
	if err != nil {
		return nil, err
	}
	return append(a, vols...), nil
}

// listOptions are the options of the service's lists, maps and flags.
func listOptions(s types.ServiceConfig) []string {
	var a []string
	add := func(flag string, values ...string) {
		for _, v := range values {
			a = append(a, flag, v)
		}
	}
	add("--cap-add", s.CapAdd...)
	add("--cap-drop", s.CapDrop...)
	add("--dns", s.DNS...)
	add("--dns-search", s.DNSSearch...)
	add("--dns-option", s.DNSOpts...)
	add("--group-add", s.GroupAdd...)
	add("--security-opt", s.SecurityOpt...)
	add("--tmpfs", s.Tmpfs...)
	add("--expose", s.Expose...)
	for _, h := range s.ExtraHosts.AsList(":") {
		add("--add-host", h)
	}
	for _, k := range sortedKeys(s.Sysctls) {
		add("--sysctl", k+"="+s.Sysctls[k])
	}
	for _, k := range sortedKeys(s.Annotations) {
		add("--annotation", k+"="+s.Annotations[k])
	}
	for _, k := range sortedKeys(s.Ulimits) {
		add("--ulimit", ulimit(k, s.Ulimits[k]))
	}
	for _, d := range s.Devices {
		add("--device", strings.TrimSuffix(d.Source+":"+d.Target+":"+d.Permissions, ":"))
	}
	for _, f := range []struct {
		on   bool
		flag string
	}{{s.Privileged, "--privileged"}, {s.ReadOnly, "--read-only"}, {s.Init != nil && *s.Init, "--init"},
		{s.Tty, "--tty"}, {s.StdinOpen, "--interactive"}} {
		if f.on {
			a = append(a, f.flag)
		}
	}
	if s.OomScoreAdj != 0 {
		add("--oom-score-adj", strconv.FormatInt(s.OomScoreAdj, 10))
	}
	if s.ShmSize != 0 {
		add("--shm-size", strconv.FormatInt(int64(s.ShmSize), 10))
	}
	if s.StopGracePeriod != nil {
		add("--stop-timeout", strconv.Itoa(int(time.Duration(*s.StopGracePeriod).Round(time.Second)/time.Second)))
	}
	if s.Logging != nil {
		if s.Logging.Driver != "" {
			add("--log-driver", s.Logging.Driver)
		}
		for _, k := range sortedKeys(s.Logging.Options) {
			add("--log-opt", k+"="+s.Logging.Options[k])
		}
	}
	return a
}

// sortPairs sorts the flag/value pairs of a from index from on: they came
// from a map.
func sortPairs(a []string, from int) {
	pairs := [][2]string{}
	for i := from; i+1 < len(a); i += 2 {
		pairs = append(pairs, [2]string{a[i], a[i+1]})
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if pairs[i][0] == "--env" || pairs[j][0] == "--env" {
			return pairs[i][0] == "--env" && pairs[j][0] != "--env"
		}
		return pairs[i][0] < pairs[j][0]
	})
	for i, pr := range pairs {
		a[from+2*i], a[from+2*i+1] = pr[0], pr[1]
	}
}

func ulimit(name string, u *types.UlimitsConfig) string {
	if u.Single != 0 {
		return fmt.Sprintf("%s=%d", name, u.Single)
	}
	return fmt.Sprintf("%s=%d:%d", name, u.Soft, u.Hard)
}

func portArgs(s types.ServiceConfig) ([]string, error) {
	var a []string
	for _, pt := range s.Ports {
		if pt.Mode != "" && pt.Mode != "ingress" && pt.Mode != "host" {
			return nil, fmt.Errorf("port %d: mode %q is not supported", pt.Target, pt.Mode)
		}
		spec := strconv.FormatUint(uint64(pt.Target), 10)
		if pt.Published != "" {
			spec = pt.Published + ":" + spec
		}
		if pt.HostIP != "" {
			if pt.Published == "" {
				spec = ":" + spec
			}
			host := pt.HostIP
			if strings.Contains(host, ":") {
				host = "[" + host + "]"
			}
			spec = host + ":" + spec
		}
		if pt.Protocol != "" && pt.Protocol != "tcp" {
			spec += "/" + pt.Protocol
		}
		a = append(a, "--publish", spec)
	}
	return a, nil
}

func healthArgs(s types.ServiceConfig) ([]string, error) {
	h := s.HealthCheck
	if h == nil {
		return nil, nil
	}
	if h.Disable || len(h.Test) > 0 && strings.EqualFold(h.Test[0], "NONE") {
		return []string{"--no-healthcheck"}, nil
	}
	var a []string
	if len(h.Test) > 0 {
		switch h.Test[0] {
		case "CMD":
			b, err := json.Marshal([]string(h.Test[1:]))
			if err != nil {
				return nil, err
			}
			a = append(a, "--health-cmd", string(b))
		case "CMD-SHELL":
			a = append(a, "--health-cmd", strings.Join(h.Test[1:], " "))
		default:
			return nil, fmt.Errorf("healthcheck test %q: it must start with CMD, CMD-SHELL or NONE", []string(h.Test))
		}
	}
	for _, d := range []struct {
		flag string
		v    *types.Duration
	}{{"--health-interval", h.Interval}, {"--health-timeout", h.Timeout}, {"--health-start-period", h.StartPeriod}} {
		if d.v != nil {
			a = append(a, d.flag, time.Duration(*d.v).String())
		}
	}
	if h.Retries != nil {
		a = append(a, "--health-retries", strconv.FormatUint(*h.Retries, 10))
	}
	return a, nil
}

func restartArgs(s types.ServiceConfig) ([]string, error) {
	policy := s.Restart
	if s.Deploy != nil && s.Deploy.RestartPolicy != nil {
		rp := s.Deploy.RestartPolicy
		switch rp.Condition {
		case "none":
			policy = "no"
		case "", "any":
			policy = "always"
		case "on-failure":
			policy = "on-failure"
			if rp.MaxAttempts != nil {
				policy += ":" + strconv.FormatUint(*rp.MaxAttempts, 10)
			}
		default:
			return nil, fmt.Errorf("deploy.restart_policy.condition %q: use none, on-failure or any", rp.Condition)
		}
	}
	if policy == "" {
		return nil, nil
	}
	return []string{"--restart", policy}, nil
}

// resourceArgs: husk enforces these limits or refuses them (its --memory,
// --cpus and --pids-limit), as for "husk run".
func resourceArgs(s types.ServiceConfig) ([]string, error) {
	mem, cpus, pids := int64(s.MemLimit), float64(s.CPUS), s.PidsLimit
	var a []string
	if s.Deploy != nil && s.Deploy.Resources.Limits != nil {
		l := s.Deploy.Resources.Limits
		if l.MemoryBytes != 0 {
			mem = int64(l.MemoryBytes)
		}
		if l.NanoCPUs != 0 {
			cpus = float64(l.NanoCPUs)
		}
		if l.Pids != 0 {
			pids = l.Pids
		}
	}
	if s.Deploy != nil && s.Deploy.Resources.Reservations != nil && s.Deploy.Resources.Reservations.MemoryBytes != 0 {
		a = append(a, "--memory-reservation", strconv.FormatInt(int64(s.Deploy.Resources.Reservations.MemoryBytes), 10))
	} else if s.MemReservation != 0 {
		a = append(a, "--memory-reservation", strconv.FormatInt(int64(s.MemReservation), 10))
	}
	if mem != 0 {
		a = append(a, "--memory", strconv.FormatInt(mem, 10))
	}
	if s.MemSwapLimit != 0 {
		a = append(a, "--memory-swap", strconv.FormatInt(int64(s.MemSwapLimit), 10))
	}
	if cpus != 0 {
		a = append(a, "--cpus", strconv.FormatFloat(cpus, 'f', -1, 64))
	}
	if pids != 0 {
		a = append(a, "--pids-limit", strconv.FormatInt(pids, 10))
	}
	if s.CPUShares != 0 {
		a = append(a, "--cpu-shares", strconv.FormatInt(s.CPUShares, 10))
	}
	if s.CPUSet != "" {
		a = append(a, "--cpuset-cpus", s.CPUSet)
	}
	return a, nil
}

// NetworkName is the husk network of the project's network key.
func NetworkName(p *types.Project, key string) string {
	if n, ok := p.Networks[key]; ok && n.Name != "" {
		return n.Name
	}
	return p.Name + "_" + key
}

func networkArgs(p *types.Project, s types.ServiceConfig) ([]string, error) {
	switch m := s.NetworkMode; {
	case m == "host" || m == "none" || m == "bridge":
		return []string{"--network", m}, nil
	case strings.HasPrefix(m, types.NetworkModeServicePrefix):
		return []string{"--network", "container:" + ContainerName(p.Name, strings.TrimPrefix(m, types.NetworkModeServicePrefix), 1)}, nil
	case strings.HasPrefix(m, types.NetworkModeContainerPrefix):
		return []string{"--network", m}, nil
	case m != "":
		return nil, fmt.Errorf("network_mode %q is not supported: use host, none, bridge, service:NAME or container:NAME", m)
	}
	if len(s.Networks) > 1 {
		return nil, fmt.Errorf("networks %v: a husk container joins one network; give the service one", sortedKeys(s.Networks))
	}
	for key, cfg := range s.Networks {
		if cfg != nil && (cfg.Ipv4Address != "" || cfg.Ipv6Address != "" || cfg.MacAddress != "" || len(cfg.LinkLocalIPs) > 0 || len(cfg.DriverOpts) > 0) {
			return nil, fmt.Errorf("networks.%s: fixed addresses, MAC addresses and driver_opts are not supported by husk", key)
		}
		// Services reach each other by service name, as with docker
		// compose: an alias on the project's network.
		a := []string{"--network", NetworkName(p, key)}
		if cfg == nil || cfg.ServiceNameAliasEnabled() {
			a = append(a, "--network-alias", s.Name)
		}
		if cfg != nil {
			for _, alias := range cfg.Aliases {
				a = append(a, "--network-alias", alias)
			}
		}
		return a, nil
	}
	return nil, nil
}

// bindDirs are the bind sources of s that are created when missing.
func bindDirs(s types.ServiceConfig) []string {
	var out []string
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind && (v.Bind == nil || bool(v.Bind.CreateHostPath)) {
			out = append(out, v.Source)
		}
	}
	return out
}

// VolumeName is the husk volume of the project's volume key.
func VolumeName(p *types.Project, key string) string {
	if v, ok := p.Volumes[key]; ok && v.Name != "" {
		return v.Name
	}
	return p.Name + "_" + key
}

func volumeArgs(p *types.Project, s types.ServiceConfig) ([]string, error) {
	var a []string
	for _, v := range s.Volumes {
		ro := ""
		if v.ReadOnly {
			ro = ":ro"
		}
		switch v.Type {
		case types.VolumeTypeBind:
			if v.Bind != nil && v.Bind.Propagation != "" {
				return nil, fmt.Errorf("volume %s: bind propagation %q is not supported by husk", v.Target, v.Bind.Propagation)
			}
			a = append(a, "--volume", v.Source+":"+v.Target+ro)
		case types.VolumeTypeVolume:
			if v.Volume != nil && (v.Volume.NoCopy || v.Volume.Subpath != "") {
				return nil, fmt.Errorf("volume %s: nocopy and subpath are not supported by husk", v.Target)
			}
			if v.Source == "" {
				a = append(a, "--mount", "type=volume,target="+v.Target+strings.ReplaceAll(ro, ":", ","))
				continue
			}
			a = append(a, "--volume", VolumeName(p, v.Source)+":"+v.Target+ro)
		case types.VolumeTypeTmpfs:
			opt := v.Target
			if v.Tmpfs != nil && v.Tmpfs.Size != 0 {
				opt += ":size=" + strconv.FormatInt(int64(v.Tmpfs.Size), 10)
			}
			a = append(a, "--tmpfs", opt)
		default:
			return nil, fmt.Errorf("volume %s: type %q is not supported by husk: use bind, volume or tmpfs", v.Target, v.Type)
		}
	}
	return a, nil
}
