package hostinfo

// The parts of husk info that follow podman 4.3.1's schema: Go field
// names are podman's (templates such as {{.Host.OCIRuntime.Name}} work),
// JSON keys are podman's (info --format json piped to jq).

// HostInfo is podman's host section.
type HostInfo struct {
	Arch              string            `json:"arch"`
	BuildahVersion    string            `json:"buildahVersion"`
	CgroupManager     string            `json:"cgroupManager"`
	CgroupsVersion    string            `json:"cgroupVersion"`
	CgroupControllers []string          `json:"cgroupControllers"`
	Conmon            ConmonInfo        `json:"conmon"`
	CPUs              int               `json:"cpus"`
	CPUUtilization    CPUUsage          `json:"cpuUtilization"`
	Distribution      DistributionInfo  `json:"distribution"`
	EventLogger       string            `json:"eventLogger"`
	Hostname          string            `json:"hostname"`
	IDMappings        IDMappings        `json:"idMappings"`
	Kernel            string            `json:"kernel"`
	LogDriver         string            `json:"logDriver"`
	MemFree           int64             `json:"memFree"`
	MemTotal          int64             `json:"memTotal"`
	NetworkBackend    string            `json:"networkBackend"`
	OCIRuntime        OCIRuntimeInfo    `json:"ociRuntime"`
	OS                string            `json:"os"`
	RemoteSocket      RemoteSocket      `json:"remoteSocket"`
	ServiceIsRemote   bool              `json:"serviceIsRemote"`
	Security          SecurityInfo      `json:"security"`
	Slirp4NetNS       SlirpInfo         `json:"slirp4netns"`
	SwapFree          int64             `json:"swapFree"`
	SwapTotal         int64             `json:"swapTotal"`
	Uptime            string            `json:"uptime"`
	Linkmode          string            `json:"linkmode"`
	RuntimeInfo       map[string]string `json:"runtimeInfo,omitempty"`
}

// ConmonInfo is the container monitor: husk's own process.
type ConmonInfo struct {
	Package string `json:"package"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// CPUUsage is the share of CPU time since boot.
type CPUUsage struct {
	UserPercent   float64 `json:"userPercent"`
	SystemPercent float64 `json:"systemPercent"`
	IdlePercent   float64 `json:"idlePercent"`
}

// DistributionInfo is /etc/os-release's.
type DistributionInfo struct {
	Distribution string `json:"distribution"`
	Variant      string `json:"variant,omitempty"`
	Version      string `json:"version"`
	Codename     string `json:"codename,omitempty"`
}

// IDMappings are the user namespace's maps.
type IDMappings struct {
	GIDMap []IDMap `json:"gidmap"`
	UIDMap []IDMap `json:"uidmap"`
}

// IDMap is one line of a map.
type IDMap struct {
	ContainerID int `json:"container_id"`
	HostID      int `json:"host_id"`
	Size        int `json:"size"`
}

// OCIRuntimeInfo is the OCI runtime containers run with.
type OCIRuntimeInfo struct {
	Name    string `json:"name"`
	Package string `json:"package"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// RemoteSocket is podman's API socket; husk has none (daemonless).
type RemoteSocket struct {
	Path string `json:"path"`
}

// SecurityInfo is the security features containers get.
type SecurityInfo struct {
	AppArmorEnabled     bool   `json:"apparmorEnabled"`
	DefaultCapabilities string `json:"capabilities"`
	Rootless            bool   `json:"rootless"`
	SECCOMPEnabled      bool   `json:"seccompEnabled"`
	SECCOMPProfilePath  string `json:"seccompProfilePath"`
	SELinuxEnabled      bool   `json:"selinuxEnabled"`
}

// SlirpInfo is the slirp4netns program.
type SlirpInfo struct {
	Executable string `json:"executable"`
	Package    string `json:"package"`
	Version    string `json:"version"`
}

// ContainerStore counts the containers.
type ContainerStore struct {
	Number  int `json:"number"`
	Paused  int `json:"paused"`
	Running int `json:"running"`
	Stopped int `json:"stopped"`
}

// ImageStore counts the images.
type ImageStore struct {
	Number int `json:"number"`
}

// Plugins are the drivers husk has.
type Plugins struct {
	Volume        []string `json:"volume"`
	Network       []string `json:"network"`
	Log           []string `json:"log"`
	Authorization []string `json:"authorization"`
}

// Version is husk's version as podman's version and info show theirs.
type Version struct {
	APIVersion string `json:"APIVersion"`
	Version    string `json:"Version"`
	GoVersion  string `json:"GoVersion"`
	GitCommit  string `json:"GitCommit"`
	BuiltTime  string `json:"BuiltTime"`
	Built      int64  `json:"Built"`
	OsArch     string `json:"OsArch"`
	Os         string `json:"Os"`
}

// VersionReport is what husk version --format sees ({{.Client.Version}}).
type VersionReport struct {
	Client Version `json:"Client"`
}
