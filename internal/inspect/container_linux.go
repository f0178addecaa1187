package inspect

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// Source is what FromContainer needs besides the container's record.
type Source struct {
	// OCIConfig is the bundle's config.json (nil before it exists).
	OCIConfig []byte
	// Image is the container's image config (nil when the image is gone).
	Image *spec.ImageConfig
	// ImageDigest is the image's manifest digest.
	ImageDigest string
	// ImageName is the image's full name ("" for the record's).
	ImageName string
	// Driver is the store's graph driver.
	Driver string
	// CgroupManager is the manager used when the container's settings
	// name none.
	CgroupManager string
	// VolumePath gives a named volume's directory ("" when unknown).
	VolumePath func(name string) string
	// Network gives a user network's subnet prefix length and gateway.
	Network func(name string) (prefixLen int, gateway string)
}

// dockerDefaultCaps are the capabilities podman compares a container's
// with to show CapAdd and CapDrop (docker's default set).
var dockerDefaultCaps = []string{
	"CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_MKNOD", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETUID", "CAP_SYS_CHROOT",
}

// FromContainer is c as podman's container inspect shows a container.
func FromContainer(c *runtime.Container, src Source) Container {
	var oci specs.Spec
	haveOCI := len(src.OCIConfig) > 0 && json.Unmarshal(src.OCIConfig, &oci) == nil
	cfg := configOf(c, src, haveOCI, &oci)
	if src.ImageName != "" {
		cfg.Image = src.ImageName
	}
	out := Container{
		Id: c.ID, Created: c.State.CreatedAt, Name: c.Name, Pod: c.Config.Pod, IsInfra: c.Config.Infra,
		State:        stateOf(c, oci.Version),
		RestartCount: int32(c.State.RestartCount),
		Image:        c.Config.ImageID,
		ImageDigest:  src.ImageDigest,
		ImageName:    cfg.Image, Rootfs: rootfsOf(c.Config),
		StaticDir: c.Dir, OCIConfigPath: c.BundleSpec(),
		ResolvConfPath: c.Dir + "/resolv.conf", HostnamePath: c.Dir + "/hostname", HostsPath: c.Dir + "/hosts",
		PidFile:         pidFileOf(c),
		ConmonPidFile:   c.Config.ConmonPidFile,
		OCIRuntime:      runtimeOf(c),
		Driver:          src.Driver,
		ExecIDs:         []string{},
		Dependencies:    []string{},
		GraphDriver:     GraphDriver{Name: src.Driver},
		Mounts:          withImageMounts(mountsOf(c.Config.Volumes, src.VolumePath), c.Config.ImageMounts),
		NetworkSettings: networkOf(c, src.Network),
		Config:          cfg,
		HostConfig:      hostConfigOf(c, src, &oci),
		HuskConfig:      c.Config, HuskState: c.State, Bundle: c.Dir,
	}
	if haveOCI {
		out.OCIConfig = redactSecretEnv(src.OCIConfig, c.Config.Services)
	}
	args := append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...)
	if haveOCI && oci.Process != nil && len(oci.Process.Args) > 0 {
		args = oci.Process.Args
	}
	if len(args) > 0 {
		out.Path, out.Args = args[0], args[1:]
	} else {
		out.Args = []string{}
	}
	out.EffectiveCaps, out.BoundingCaps = []string{}, []string{}
	if haveOCI && oci.Process != nil && oci.Process.Capabilities != nil {
		out.EffectiveCaps = sorted(oci.Process.Capabilities.Effective)
		out.BoundingCaps = sorted(oci.Process.Capabilities.Bounding)
	}
	out.HostConfig.CapAdd, out.HostConfig.CapDrop = capDiff(c, haveOCI, out.BoundingCaps)
	return out
}

func runtimeOf(c *runtime.Container) string {
	for _, r := range []string{c.State.Runtime, c.Config.Runtime, c.Config.Settings.Runtime} {
		if r != "" {
			return r
		}
	}
	return ""
}

// sorted is a sorted copy of s, as podman lists capabilities.
func sorted(s []string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// stateOf is podman's State: a paused container is "paused" and not
// Running, as in podman (docker says both).
func stateOf(c *runtime.Container, ociVersion string) State {
	s := c.State
	st := State{
		OciVersion: ociVersion, Status: string(s.Status), Pid: s.Pid, ConmonPid: s.MonitorPid,
		ExitCode: int32(s.ExitCode), Error: s.Error, StartedAt: s.StartedAt, FinishedAt: s.FinishedAt,
		CgroupPath: cgroupPath(s.Cgroup), Paused: s.Paused, Health: healthOf(c),
	}
	if st.OciVersion == "" {
		st.OciVersion = specs.Version
	}
	switch {
	case s.Status == runtime.StatusRunning && s.Paused:
		st.Status = "paused"
	case s.Status == runtime.StatusRunning:
		st.Running = true
	}
	if !st.Running && !st.Paused {
		st.Pid, st.ConmonPid = 0, 0
		// Exited, its monitor waits the back-off to start it again.
		st.Restarting = s.Restarting
	}
	return st
}

// cgroupPath is a cgroup directory as podman shows it: from the root of
// its hierarchy.
func cgroupPath(dir string) string {
	for _, root := range []string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup"} {
		if rest, ok := strings.CutPrefix(dir, root); ok && (rest == "" || rest[0] == '/') {
			return "/" + strings.TrimPrefix(rest, "/")
		}
	}
	return dir
}

// configOf is podman's Config: the container's settings over its image's.
func configOf(c *runtime.Container, src Source, haveOCI bool, oci *specs.Spec) Config {
	k := c.Config
	img := src.Image
	if img == nil {
		img = &spec.ImageConfig{}
	}
	out := Config{
		Hostname: k.Hostname, User: k.User, Tty: k.TTY, OpenStdin: k.Interactive, Image: k.Image,
		WorkingDir: k.Workdir, Labels: k.Labels, Annotations: k.Annotations,
		HealthcheckOnFailureAction: "none", Umask: "0022", StopTimeout: 10, Passwd: true, SdNotifyMode: "container",
	}
	if k.StopTimeout != nil {
		out.StopTimeout = *k.StopTimeout
	}
	if k.Umask != nil {
		out.Umask = fmt.Sprintf("%04o", *k.Umask)
	}
	if out.Hostname == "" {
		out.Hostname = c.ID[:min(12, len(c.ID))]
	}
	if out.User == "" {
		out.User = img.User
	}
	if out.WorkingDir == "" {
		out.WorkingDir = img.WorkingDir
	}
	if out.WorkingDir == "" {
		out.WorkingDir = "/"
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	if out.Annotations == nil {
		out.Annotations = map[string]string{}
	}
	out.Entrypoint, out.Cmd = img.Entrypoint, img.Cmd
	if k.Entrypoint != nil {
		out.Entrypoint, out.Cmd = *k.Entrypoint, nil
	}
	if len(k.Command) > 0 {
		out.Cmd = k.Command
	}
	out.Entrypoint, out.Cmd = nonNil(out.Entrypoint), nonNil(out.Cmd)
	out.Env = spec.MergeEnv(img.Env, k.Env)
	if haveOCI && oci.Process != nil {
		out.Env = oci.Process.Env
		if oci.Process.Cwd != "" {
			out.WorkingDir = oci.Process.Cwd
		}
	}
	out.Env, out.Secrets = secretsOf(k.Services, out.Env)
	if c.HasHealthcheck() {
		h := HealthConfig(*k.Healthcheck)
		out.Healthcheck = &h
	}
	if k.HealthOnFailure != "" {
		out.HealthcheckOnFailureAction = string(k.HealthOnFailure)
	}
	out.StopSignal = 15
	if sig, err := runtime.ParseSignal(k.StopSignal); err == nil {
		out.StopSignal = uint(sig)
	} else if sig, err := runtime.ParseSignal(img.StopSignal); err == nil && k.StopSignal == "" {
		out.StopSignal = uint(sig)
	}
	return out
}

// mountsOf are the volume and bind mounts; tmpfs mounts are in
// HostConfig.Tmpfs, as podman shows them.
func mountsOf(vols []runtime.VolumeSpec, volumePath func(string) string) []Mount {
	out := []Mount{}
	for _, v := range vols {
		m := Mount{Type: string(v.Kind), Source: v.Source, Destination: v.Destination, RW: !v.ReadOnly,
			Options: []string{"rbind"}, Propagation: "rprivate"}
		for _, o := range v.Options {
			switch o {
			case "shared", "rshared", "slave", "rslave", "private", "rprivate":
				m.Propagation = o
			default:
				m.Options = append(m.Options, o)
			}
		}
		switch v.Kind {
		case runtime.VolumeTmpfs:
			continue
		case runtime.VolumeNamed:
			m.Name, m.Driver = v.Source, "local"
			m.Options = append([]string{"nosuid", "nodev"}, m.Options...)
			if volumePath != nil {
				m.Source = volumePath(v.Source)
			}
		}
		out = append(out, m)
	}
	return out
}

// withImageMounts orders the mounts as podman lists them: named volumes,
// then the --mount type=image mounts (Source the image as given, no
// options nor propagation), then the others.
func withImageMounts(ms []Mount, imgs []runtime.ImageMount) []Mount {
	out := make([]Mount, 0, len(ms)+len(imgs))
	for _, m := range ms {
		if m.Type == string(runtime.VolumeNamed) {
			out = append(out, m)
		}
	}
	for _, im := range imgs {
		out = append(out, Mount{Type: "image", Source: im.Image, Destination: im.Destination, RW: im.RW})
	}
	for _, m := range ms {
		if m.Type != string(runtime.VolumeNamed) {
			out = append(out, m)
		}
	}
	return out
}

// ports are the published ports, one entry per port of a range.
func ports(maps []netns.PortMapping) map[string][]HostPort {
	out := map[string][]HostPort{}
	for _, p := range maps {
		n := int(p.Range)
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			key := fmt.Sprintf("%d/%s", int(p.ContainerPort)+i, p.Protocol)
			hp := ""
			if p.HostPort != 0 {
				hp = strconv.Itoa(int(p.HostPort) + i)
			}
			out[key] = append(out[key], HostPort{HostIp: p.HostIP, HostPort: hp})
		}
	}
	return out
}

func networkOf(c *runtime.Container, network func(string) (int, string)) NetworkSettings {
	ns := NetworkSettings{Ports: ports(c.Config.Net.Ports)}
	if c.State.Status != runtime.StatusRunning {
		return ns
	}
	if c.State.Net != nil {
		ns.IPAddress = c.State.Net.IP
	}
	mode := c.Config.NetworkMode()
	if c.State.Net != nil && c.State.Net.Mode == netns.ModeBridge && !netns.IsUserNetwork(mode) {
		// On the built-in default network, under its name as podman's
		// bridge containers are.
		mode = netns.DefaultNetworkName
	} else if !netns.IsUserNetwork(mode) {
		return ns
	}
	el := &NetworkElement{IPAddress: ns.IPAddress, Links: nil, Aliases: []string{c.ID[:min(12, len(c.ID))]}}
	// NetworkID is the network's name, as podman fills it.
	el.NetworkID = mode
	if network != nil {
		el.IPPrefixLen, el.Gateway = network(mode)
	}
	ns.Gateway, ns.IPPrefixLen = el.Gateway, el.IPPrefixLen
	ns.Networks = map[string]*NetworkElement{mode: el}
	return ns
}

// networkMode is the mode as podman names it.
func networkMode(c *runtime.Container) string {
	mode := c.Config.NetworkMode()
	if c.State.Net != nil && (mode == netns.ModePrivate || mode == "") && c.State.Net.Mode != "" {
		return c.State.Net.Mode
	}
	if mode == netns.ModePrivate || mode == "" {
		// What it gets when it starts.
		if netns.DefaultNetworkProblem() == "" {
			return netns.ModeBridge
		}
		return "pasta"
	}
	if netns.IsUserNetwork(mode) {
		return "bridge"
	}
	return mode
}

func hostConfigOf(c *runtime.Container, src Source, oci *specs.Spec) HostConfig {
	k := c.Config
	r := k.Resources
	h := HostConfig{
		Binds: []string{}, CgroupManager: k.Settings.CgroupManager, CgroupMode: "host",
		LogConfig:    LogConfig{Type: "k8s-file", Path: c.LogPath(), Size: logSize(k.LogMaxSize)},
		NetworkMode:  networkMode(c),
		PortBindings: ports(k.Net.Ports),
		AutoRemove:   k.Remove,
		Dns:          nonNil(k.Net.DNS), DnsOptions: nonNil(k.Net.DNSOptions), DnsSearch: nonNil(k.Net.DNSSearch),
		ExtraHosts: nonNil(k.Net.AddHosts), GroupAdd: []string{},
		IpcMode: "private", Cgroups: "default", PidMode: "private", UTSMode: "private",
		Privileged: k.Privileged, PublishAllPorts: k.Net.PublishAll, ReadonlyRootfs: k.ReadOnly,
		SecurityOpt: []string{}, Tmpfs: map[string]string{},
		ShmSize: 65536000, Runtime: "oci", ConsoleSize: []uint{0, 0},
		CpuShares: r.CPUShares, Memory: r.Memory, NanoCpus: int64(r.CPUs * 1e9),
		BlkioWeight: r.BlkioWeight, CpusetCpus: r.CpusetCpus, Devices: []Device{},
		MemoryReservation: r.MemoryReservation, MemorySwap: r.MemorySwap, PidsLimit: r.PidsLimit,
		Ulimits: []Ulimit{}, Init: k.Init,
		RestartPolicy: RestartPolicy{Name: k.Restart.Name, MaximumRetryCount: k.Restart.MaxRetries},
	}
	if h.CgroupManager == "" {
		h.CgroupManager = src.CgroupManager
	}
	for _, d := range k.Devices {
		h.Devices = append(h.Devices, Device{PathOnHost: d.PathOnHost, PathInContainer: d.PathInContainer, CgroupPermissions: d.Permissions})
	}
	h.CgroupParent = k.CgroupParent
	if k.CgroupsDisabled {
		h.Cgroups = "disabled"
	}
	if k.UsernsMode != "" && k.UsernsMode != "host" {
		h.UsernsMode = k.UsernsMode
	} else if k.KeepID {
		h.UsernsMode = "keep-id" // records from before UsernsMode
	}
	for _, v := range k.Volumes {
		if v.Kind == runtime.VolumeTmpfs {
			mode := "rw"
			if v.ReadOnly {
				mode = "ro"
			}
			h.Tmpfs[v.Destination] = strings.Join(append([]string{mode, "rprivate", "nosuid", "nodev"}, v.Options...), ",")
		}
	}
	for _, m := range mountsOf(k.Volumes, nil) {
		src, mode := m.Source, "rw"
		if m.Type == string(runtime.VolumeNamed) {
			src = m.Name
		}
		if !m.RW {
			mode = "ro"
		}
		h.Binds = append(h.Binds, src+":"+m.Destination+":"+strings.Join(append([]string{mode, m.Propagation}, m.Options...), ","))
	}
	h.SecurityOpt = securityOpts(k)
	if oci.Process != nil {
		for _, rl := range oci.Process.Rlimits {
			h.Ulimits = append(h.Ulimits, Ulimit{Name: rl.Type, Soft: int64(rl.Soft), Hard: int64(rl.Hard)})
		}
	}
	return h
}

// logSize is --log-opt max-size as podman shows it: decimal units, four
// significant digits ("0B": no limit).
func logSize(n int64) string {
	if n <= 0 {
		return "0B"
	}
	f := float64(n)
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return strconv.FormatFloat(f, 'g', 4, 64) + units[i]
}

// capDiff is podman's CapAdd and CapDrop: the container's bounding set
// against docker's default set (podman's own default lacks three of
// docker's, so a plain container shows them dropped). Before config.json
// exists, they are the user's --cap-add and --cap-drop.
func capDiff(c *runtime.Container, haveOCI bool, bounding []string) (add, drop []string) {
	add, drop = []string{}, []string{}
	if !haveOCI {
		return append(add, c.Config.CapAdd...), append(drop, c.Config.CapDrop...)
	}
	for _, cp := range bounding {
		if !slices.Contains(dockerDefaultCaps, cp) {
			add = append(add, cp)
		}
	}
	for _, cp := range dockerDefaultCaps {
		if !slices.Contains(bounding, cp) {
			drop = append(drop, cp)
		}
	}
	slices.Sort(add)
	return add, drop
}

// pidFileOf is where the container's pid is written: --pidfile when
// given (as podman shows it), else the file the runtime writes.
func pidFileOf(c *runtime.Container) string {
	if c.Config.PidFile != "" {
		return c.Config.PidFile
	}
	return c.Dir + "/pidfile"
}

// securityOpts are HostConfig.SecurityOpt in podman's order, with its
// label=… values joined in one entry.
func securityOpts(k runtime.Config) []string {
	out := []string{}
	if k.NoNewPrivileges {
		out = append(out, "no-new-privileges")
	}
	if len(k.SecurityLabels) > 0 {
		out = append(out, "label="+strings.Join(k.SecurityLabels, ",label="))
	}
	if k.Seccomp.Unconfined {
		out = append(out, "seccomp=unconfined")
	}
	if k.AppArmor != "" {
		out = append(out, "apparmor="+k.AppArmor)
	}
	return out
}

// rootfsOf is --rootfs as given ("": an image's container).
func rootfsOf(k runtime.Config) string {
	if k.RootfsOverlay {
		return k.Rootfs + ":O"
	}
	return k.Rootfs
}

// healthOf is the container's health record as podman shows it.
func healthOf(c *runtime.Container) Health {
	r := c.Health()
	h := Health{Status: r.Status, FailingStreak: r.FailingStreak}
	for _, l := range r.Log {
		h.Log = append(h.Log, HealthLog(l))
	}
	return h
}
