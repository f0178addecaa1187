package inspect

import (
	"encoding/json"
	"time"
)

// Container is podman's container inspect object. Field names, JSON
// types and nesting are podman 4.3.1's; where husk has no such thing the
// field carries podman's zero value. HuskConfig, HuskState, Bundle and
// OCIConfig are husk's own record and the generated config.json.
type Container struct {
	Id              string          `json:"Id"` //nolint:revive,stylecheck // podman's name
	Created         time.Time       `json:"Created"`
	Path            string          `json:"Path"`
	Args            []string        `json:"Args"`
	State           State           `json:"State"`
	Image           string          `json:"Image"`
	ImageDigest     string          `json:"ImageDigest"`
	ImageName       string          `json:"ImageName"`
	Rootfs          string          `json:"Rootfs"`
	Pod             string          `json:"Pod"`
	ResolvConfPath  string          `json:"ResolvConfPath"`
	HostnamePath    string          `json:"HostnamePath"`
	HostsPath       string          `json:"HostsPath"`
	StaticDir       string          `json:"StaticDir"`
	OCIConfigPath   string          `json:"OCIConfigPath"`
	OCIRuntime      string          `json:"OCIRuntime"`
	ConmonPidFile   string          `json:"ConmonPidFile"`
	PidFile         string          `json:"PidFile"`
	Name            string          `json:"Name"`
	RestartCount    int32           `json:"RestartCount"`
	Driver          string          `json:"Driver"`
	MountLabel      string          `json:"MountLabel"`
	ProcessLabel    string          `json:"ProcessLabel"`
	AppArmorProfile string          `json:"AppArmorProfile"`
	EffectiveCaps   []string        `json:"EffectiveCaps"`
	BoundingCaps    []string        `json:"BoundingCaps"`
	ExecIDs         []string        `json:"ExecIDs"`
	GraphDriver     GraphDriver     `json:"GraphDriver"`
	Mounts          []Mount         `json:"Mounts"`
	Dependencies    []string        `json:"Dependencies"`
	NetworkSettings NetworkSettings `json:"NetworkSettings"`
	Namespace       string          `json:"Namespace"`
	IsInfra         bool            `json:"IsInfra"`
	IsService       bool            `json:"IsService"`
	Config          Config          `json:"Config"`
	HostConfig      HostConfig      `json:"HostConfig"`

	// husk's own: the record as husk keeps it, the bundle directory and
	// the generated config.json.
	HuskConfig any             `json:"HuskConfig"`
	HuskState  any             `json:"HuskState"`
	Bundle     string          `json:"Bundle"`
	OCIConfig  json.RawMessage `json:"OCIConfig,omitempty"`
}

// ID lets templates written for docker ({{.ID}}) work, as podman's do.
func (c *Container) ID() string { return c.Id }

// State is the container's life as podman shows it.
type State struct {
	OciVersion     string    `json:"OciVersion"`
	Status         string    `json:"Status"`
	Running        bool      `json:"Running"`
	Paused         bool      `json:"Paused"`
	Restarting     bool      `json:"Restarting"`
	OOMKilled      bool      `json:"OOMKilled"`
	Dead           bool      `json:"Dead"`
	Pid            int       `json:"Pid"`
	ConmonPid      int       `json:"ConmonPid,omitempty"`
	ExitCode       int32     `json:"ExitCode"`
	Error          string    `json:"Error"`
	StartedAt      time.Time `json:"StartedAt"`
	FinishedAt     time.Time `json:"FinishedAt"`
	Health         Health    `json:"Health"`
	CgroupPath     string    `json:"CgroupPath,omitempty"`
	CheckpointedAt time.Time `json:"CheckpointedAt"`
	RestoredAt     time.Time `json:"RestoredAt"`
}

// HealthConfig is the container's healthcheck (the durations in
// nanoseconds).
type HealthConfig struct {
	Test        []string      `json:"Test,omitempty"`
	StartPeriod time.Duration `json:"StartPeriod,omitempty"`
	Interval    time.Duration `json:"Interval,omitempty"`
	Timeout     time.Duration `json:"Timeout,omitempty"`
	Retries     int           `json:"Retries,omitempty"`
}

// Health is a healthcheck's results: the last ones of the container's
// current start (empty when it has no healthcheck or does not run).
type Health struct {
	Status        string      `json:"Status"`
	FailingStreak int         `json:"FailingStreak"`
	Log           []HealthLog `json:"Log"`
}

// HealthLog is one healthcheck run.
type HealthLog struct {
	Start    string `json:"Start"`
	End      string `json:"End"`
	ExitCode int    `json:"ExitCode"`
	Output   string `json:"Output"`
}

// GraphDriver is the storage driver and its directories.
type GraphDriver struct {
	Name string            `json:"Name"`
	Data map[string]string `json:"Data"`
}

// Mount is one volume or bind mount the user asked for (podman leaves
// tmpfs mounts out: they are in HostConfig.Tmpfs).
type Mount struct {
	Type string `json:"Type"`
	// Name is a named volume's (omitted otherwise, as podman's).
	Name        string   `json:"Name,omitempty"`
	Source      string   `json:"Source"`
	Destination string   `json:"Destination"`
	Driver      string   `json:"Driver"`
	Mode        string   `json:"Mode"`
	Options     []string `json:"Options"`
	RW          bool     `json:"RW"`
	Propagation string   `json:"Propagation"`
}

// HostPort is a host address a container port is published on.
type HostPort struct {
	HostIp   string `json:"HostIp"` //nolint:revive,stylecheck // podman's name
	HostPort string `json:"HostPort"`
}

// NetworkSettings is the container's network as podman shows it.
type NetworkSettings struct {
	EndpointID             string                     `json:"EndpointID"`
	Gateway                string                     `json:"Gateway"`
	IPAddress              string                     `json:"IPAddress"`
	IPPrefixLen            int                        `json:"IPPrefixLen"`
	IPv6Gateway            string                     `json:"IPv6Gateway"`
	GlobalIPv6Address      string                     `json:"GlobalIPv6Address"`
	GlobalIPv6PrefixLen    int                        `json:"GlobalIPv6PrefixLen"`
	MacAddress             string                     `json:"MacAddress"`
	Bridge                 string                     `json:"Bridge"`
	SandboxID              string                     `json:"SandboxID"`
	HairpinMode            bool                       `json:"HairpinMode"`
	LinkLocalIPv6Address   string                     `json:"LinkLocalIPv6Address"`
	LinkLocalIPv6PrefixLen int                        `json:"LinkLocalIPv6PrefixLen"`
	Ports                  map[string][]HostPort      `json:"Ports"`
	SandboxKey             string                     `json:"SandboxKey"`
	Networks               map[string]*NetworkElement `json:"Networks,omitempty"`
}

// NetworkElement is the container on one user network.
type NetworkElement struct {
	EndpointID          string            `json:"EndpointID"`
	Gateway             string            `json:"Gateway"`
	IPAddress           string            `json:"IPAddress"`
	IPPrefixLen         int               `json:"IPPrefixLen"`
	IPv6Gateway         string            `json:"IPv6Gateway"`
	GlobalIPv6Address   string            `json:"GlobalIPv6Address"`
	GlobalIPv6PrefixLen int               `json:"GlobalIPv6PrefixLen"`
	MacAddress          string            `json:"MacAddress"`
	NetworkID           string            `json:"NetworkID"`
	DriverOpts          map[string]string `json:"DriverOpts"`
	IPAMConfig          map[string]string `json:"IPAMConfig"`
	Links               []string          `json:"Links"`
	Aliases             []string          `json:"Aliases"`
}

// Config is how the container was configured, as podman shows it.
type Config struct {
	Hostname     string              `json:"Hostname"`
	Domainname   string              `json:"Domainname"`
	User         string              `json:"User"`
	AttachStdin  bool                `json:"AttachStdin"`
	AttachStdout bool                `json:"AttachStdout"`
	AttachStderr bool                `json:"AttachStderr"`
	Tty          bool                `json:"Tty"`
	OpenStdin    bool                `json:"OpenStdin"`
	StdinOnce    bool                `json:"StdinOnce"`
	Env          []string            `json:"Env"`
	Cmd          []string            `json:"Cmd"`
	Image        string              `json:"Image"`
	Volumes      map[string]struct{} `json:"Volumes"`
	WorkingDir   string              `json:"WorkingDir"`
	// Entrypoint is an array as in docker and podman 5: podman 4.3.1
	// prints it as one string joined by spaces (podman issue 13803, a
	// breaking fix in podman 5.0).
	Entrypoint                 []string          `json:"Entrypoint"`
	OnBuild                    *string           `json:"OnBuild"`
	Labels                     map[string]string `json:"Labels"`
	Annotations                map[string]string `json:"Annotations"`
	StopSignal                 uint              `json:"StopSignal"`
	Healthcheck                *HealthConfig     `json:"Healthcheck,omitempty"`
	HealthcheckOnFailureAction string            `json:"HealthcheckOnFailureAction"`
	CreateCommand              []string          `json:"CreateCommand,omitempty"`
	Umask                      string            `json:"Umask"`
	Timeout                    uint              `json:"Timeout"`
	StopTimeout                uint              `json:"StopTimeout"`
	Passwd                     bool              `json:"Passwd"`
	SdNotifyMode               string            `json:"sdNotifyMode"`
	// Secrets are the secrets given as files (podman leaves out the
	// ones given as variables).
	Secrets []Secret `json:"Secrets,omitempty"`
}

// Secret is a secret the container gets as a file.
type Secret struct {
	Name string `json:"Name"`
	ID   string `json:"ID"`
	UID  uint32 `json:"UID"`
	GID  uint32 `json:"GID"`
	Mode uint32 `json:"Mode"`
}

// RestartPolicy is what happens when the container exits.
type RestartPolicy struct {
	Name              string `json:"Name"`
	MaximumRetryCount uint   `json:"MaximumRetryCount"`
}

// LogConfig is the container's log.
type LogConfig struct {
	Type   string            `json:"Type"`
	Config map[string]string `json:"Config"`
	Path   string            `json:"Path"`
	Tag    string            `json:"Tag"`
	Size   string            `json:"Size"`
}

// Ulimit is one resource limit of the container's processes.
type Ulimit struct {
	Name string `json:"Name"`
	Soft int64  `json:"Soft"`
	Hard int64  `json:"Hard"`
}

// HostConfig is docker's HostConfig as podman fills it.
type HostConfig struct {
	Binds                []string              `json:"Binds"`
	CgroupManager        string                `json:"CgroupManager"`
	CgroupMode           string                `json:"CgroupMode"`
	ContainerIDFile      string                `json:"ContainerIDFile"`
	LogConfig            LogConfig             `json:"LogConfig"`
	NetworkMode          string                `json:"NetworkMode"`
	PortBindings         map[string][]HostPort `json:"PortBindings"`
	RestartPolicy        RestartPolicy         `json:"RestartPolicy"`
	AutoRemove           bool                  `json:"AutoRemove"`
	VolumeDriver         string                `json:"VolumeDriver"`
	VolumesFrom          []string              `json:"VolumesFrom"`
	CapAdd               []string              `json:"CapAdd"`
	CapDrop              []string              `json:"CapDrop"`
	Dns                  []string              `json:"Dns"`        //nolint:revive,stylecheck // docker's name
	DnsOptions           []string              `json:"DnsOptions"` //nolint:revive,stylecheck
	DnsSearch            []string              `json:"DnsSearch"`  //nolint:revive,stylecheck
	ExtraHosts           []string              `json:"ExtraHosts"`
	GroupAdd             []string              `json:"GroupAdd"`
	IpcMode              string                `json:"IpcMode"`
	Cgroup               string                `json:"Cgroup"`
	Cgroups              string                `json:"Cgroups"`
	Links                []string              `json:"Links"`
	OomScoreAdj          int                   `json:"OomScoreAdj"`
	PidMode              string                `json:"PidMode"`
	Privileged           bool                  `json:"Privileged"`
	PublishAllPorts      bool                  `json:"PublishAllPorts"`
	ReadonlyRootfs       bool                  `json:"ReadonlyRootfs"`
	SecurityOpt          []string              `json:"SecurityOpt"`
	Tmpfs                map[string]string     `json:"Tmpfs"`
	UTSMode              string                `json:"UTSMode"`
	UsernsMode           string                `json:"UsernsMode"`
	ShmSize              int64                 `json:"ShmSize"`
	Runtime              string                `json:"Runtime"`
	ConsoleSize          []uint                `json:"ConsoleSize"`
	Isolation            string                `json:"Isolation"`
	CpuShares            uint64                `json:"CpuShares"` //nolint:revive,stylecheck
	Memory               int64                 `json:"Memory"`
	NanoCpus             int64                 `json:"NanoCpus"`
	CgroupParent         string                `json:"CgroupParent"`
	BlkioWeight          uint16                `json:"BlkioWeight"`
	BlkioWeightDevice    []any                 `json:"BlkioWeightDevice"`
	BlkioDeviceReadBps   []any                 `json:"BlkioDeviceReadBps"`
	BlkioDeviceWriteBps  []any                 `json:"BlkioDeviceWriteBps"`
	BlkioDeviceReadIOps  []any                 `json:"BlkioDeviceReadIOps"`
	BlkioDeviceWriteIOps []any                 `json:"BlkioDeviceWriteIOps"`
	CpuPeriod            uint64                `json:"CpuPeriod"`          //nolint:revive,stylecheck
	CpuQuota             int64                 `json:"CpuQuota"`           //nolint:revive,stylecheck
	CpuRealtimePeriod    uint64                `json:"CpuRealtimePeriod"`  //nolint:revive,stylecheck
	CpuRealtimeRuntime   int64                 `json:"CpuRealtimeRuntime"` //nolint:revive,stylecheck
	CpusetCpus           string                `json:"CpusetCpus"`
	CpusetMems           string                `json:"CpusetMems"`
	Devices              []Device              `json:"Devices"`
	DiskQuota            uint64                `json:"DiskQuota"`
	KernelMemory         int64                 `json:"KernelMemory"`
	MemoryReservation    int64                 `json:"MemoryReservation"`
	MemorySwap           int64                 `json:"MemorySwap"`
	MemorySwappiness     int64                 `json:"MemorySwappiness"`
	OomKillDisable       bool                  `json:"OomKillDisable"`
	PidsLimit            int64                 `json:"PidsLimit"`
	Ulimits              []Ulimit              `json:"Ulimits"`
	CpuCount             uint64                `json:"CpuCount"`   //nolint:revive,stylecheck
	CpuPercent           uint64                `json:"CpuPercent"` //nolint:revive,stylecheck
	IOMaximumIOps        uint64                `json:"IOMaximumIOps"`
	IOMaximumBandwidth   uint64                `json:"IOMaximumBandwidth"`
	CgroupConf           map[string]string     `json:"CgroupConf"`
	// Init: --init runs an init as PID 1 (left out when false, as
	// podman does).
	Init bool `json:"Init,omitempty"`
}

// Device is a host device node given with --device, as podman prints it
// (podman 4.3.1 rootless prints none, its nodes being bind mounts; husk
// prints them, with the permissions asked for).
type Device struct {
	PathOnHost        string `json:"PathOnHost"`
	PathInContainer   string `json:"PathInContainer"`
	CgroupPermissions string `json:"CgroupPermissions"`
}
