package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/storage"
	cstorage "go.podman.io/storage"
)

// VolumeKind says what a --volume/--mount entry is.
type VolumeKind string

const (
	VolumeBind  VolumeKind = "bind"
	VolumeTmpfs VolumeKind = "tmpfs"
	VolumeNamed VolumeKind = "volume"
)

// VolumeSpec is one parsed -v, --mount or --tmpfs entry.
type VolumeSpec struct {
	Kind        VolumeKind `json:"kind"`
	Source      string     `json:"source,omitempty"` // host path or volume name
	Destination string     `json:"destination"`
	ReadOnly    bool       `json:"readOnly,omitempty"`
	Options     []string   `json:"options,omitempty"` // tmpfs size=, mode=; bind propagation
}

// Config is what the user asked for when creating a container; it is kept
// with the container so start can build the bundle again.
type Config struct {
	Name        string      `json:"name"`
	Image       string      `json:"image"`
	ImageID     string      `json:"imageId"`
	Entrypoint  *[]string   `json:"entrypoint,omitempty"`
	Command     []string    `json:"command,omitempty"`
	Env         []string    `json:"env,omitempty"`
	User        string      `json:"user,omitempty"`
	Workdir     string      `json:"workdir,omitempty"`
	Hostname    string      `json:"hostname,omitempty"`
	Interactive bool        `json:"interactive,omitempty"`
	TTY         bool        `json:"tty,omitempty"`
	ReadOnly    bool        `json:"readOnly,omitempty"`
	Network     NetworkMode `json:"network"`
	// Net is the full network request (mode, ports, DNS, hosts).
	Net             netns.Config `json:"net"`
	Volumes         []VolumeSpec `json:"volumes,omitempty"`
	CapAdd          []string     `json:"capAdd,omitempty"`
	CapDrop         []string     `json:"capDrop,omitempty"`
	Privileged      bool         `json:"privileged,omitempty"`
	Seccomp         SeccompMode  `json:"seccomp"`
	NoNewPrivileges bool         `json:"noNewPrivileges,omitempty"`
	KeepID          bool         `json:"keepId,omitempty"`
	Remove          bool         `json:"remove,omitempty"`
	Runtime         string       `json:"runtime,omitempty"`
	// StopSignal is the image's STOPSIGNAL ("" = SIGTERM).
	StopSignal string `json:"stopSignal,omitempty"`
	// LogMaxSize rotates the container log past this many bytes (0: never).
	LogMaxSize int64 `json:"logMaxSize,omitempty"`
	// Resources are the cgroup limits (--memory, --cpus, ...).
	Resources cgroups.Resources `json:"resources"`
	// CgroupsDisabled runs the container without a cgroup of its own.
	CgroupsDisabled bool `json:"cgroupsDisabled,omitempty"`
}

// Status is a container's lifecycle state.
type Status string

const (
	StatusCreated Status = "created"
	StatusRunning Status = "running"
	StatusExited  Status = "exited"
)

// State is what husk records about a container's life.
type State struct {
	Status     Status    `json:"status"`
	Pid        int       `json:"pid,omitempty"`
	ExitCode   int       `json:"exitCode"`
	CreatedAt  time.Time `json:"createdAt"`
	StartedAt  time.Time `json:"startedAt,omitempty"`
	FinishedAt time.Time `json:"finishedAt,omitempty"`
	Runtime    string    `json:"runtime,omitempty"`
	// MonitorPid is the husk process that is the container's parent when
	// it runs detached.
	MonitorPid int `json:"monitorPid,omitempty"`
	// StartTicks is the init process's start time (/proc/PID/stat), so a
	// recycled pid is not taken for the container.
	StartTicks uint64 `json:"startTicks,omitempty"`
	// AttachSocket feeds the container's stdin (detached with -i).
	AttachSocket string `json:"attachSocket,omitempty"`
	// Error says why the container stopped in an abnormal way.
	Error string `json:"error,omitempty"`
	// Cgroup is the container's cgroup v2 directory ("" when it has none
	// of its own); CgroupOwned says husk created it (and removes it).
	Cgroup      string `json:"cgroup,omitempty"`
	CgroupOwned bool   `json:"cgroupOwned,omitempty"`
	// RuntimeArgs are the global runtime flags the container was created
	// with (the cgroup manager), needed again for kill and delete.
	RuntimeArgs []string `json:"runtimeArgs,omitempty"`
	// Net is what the network mode gave the container (address, host
	// address, resolvers).
	Net *netns.Info `json:"netInfo,omitempty"`
	// Paused: the container's cgroup is frozen.
	Paused bool `json:"paused,omitempty"`
}

// Container is a container record: the storage container plus husk's
// config and state files in its directory.
type Container struct {
	ID     string
	Name   string
	Config Config
	State  State
	// Dir holds husk.json and the bundle (config.json).
	Dir string
}

// ErrContainerUnknown is returned when no container matches.
var ErrContainerUnknown = errors.New("no such container")

// ErrEmptyName is returned for an empty or blank container reference,
// which would otherwise be a prefix of every ID.
var ErrEmptyName = errors.New("empty container name or ID")

const recordFile = "husk.json"

type record struct {
	Config Config `json:"config"`
	State  State  `json:"state"`
}

// Save writes the container's config and state atomically.
func (c *Container) Save() error {
	b, err := json.MarshalIndent(record{Config: c.Config, State: c.State}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode container %s: %w", c.Name, err)
	}
	tmp := filepath.Join(c.Dir, recordFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("save container %s: %w", c.Name, err)
	}
	if err := os.Rename(tmp, filepath.Join(c.Dir, recordFile)); err != nil {
		return fmt.Errorf("save container %s: %w", c.Name, err)
	}
	return nil
}

// LogPath is the container's log file (detached containers).
func (c *Container) LogPath() string { return filepath.Join(c.Dir, "ctr.log") }

// BundleSpec returns the path of the container's config.json.
func (c *Container) BundleSpec() string { return filepath.Join(c.Dir, "config.json") }

func load(s *storage.Store, sc *cstorage.Container) (*Container, error) {
	dir, err := s.ContainerDirectory(sc.ID)
	if err != nil {
		return nil, fmt.Errorf("container %s directory: %w", short(sc.ID), err)
	}
	c := &Container{ID: sc.ID, Dir: dir}
	if len(sc.Names) > 0 {
		c.Name = sc.Names[0]
	}
	b, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err != nil {
		return nil, fmt.Errorf("read container %s: %w", c.Name, err)
	}
	if err := unmarshalRecord(b, c); err != nil {
		return nil, fmt.Errorf("parse container %s: %w", c.Name, err)
	}
	return c, nil
}

func unmarshalRecord(b []byte, c *Container) error {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	c.Config, c.State = r.Config, r.State
	return nil
}

// CheckContainerName refuses a name a container cannot have.
func CheckContainerName(n string) error { return validName(n) }

// Lookup finds a container by name, full ID or unique ID prefix.
func Lookup(s *storage.Store, ref string) (*Container, error) {
	if strings.TrimSpace(ref) == "" {
		return nil, ErrEmptyName
	}
	if sc, err := s.Container(ref); err == nil {
		return load(s, sc)
	}
	all, err := s.Containers()
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	var hits []cstorage.Container
	for _, c := range all {
		if strings.HasPrefix(c.ID, ref) {
			hits = append(hits, c)
		}
	}
	if len(hits) == 1 {
		return load(s, &hits[0])
	}
	if len(hits) > 1 {
		return nil, fmt.Errorf("container %q: ID prefix matches %d containers", ref, len(hits))
	}
	return nil, fmt.Errorf("%w: %q", ErrContainerUnknown, ref)
}

// List returns every container with its record.
func List(s *storage.Store) ([]*Container, error) {
	all, err := s.Containers()
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	var out []*Container
	for i := range all {
		c, err := load(s, &all[i])
		if err != nil {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// MonitorPids returns the live monitors of containers in the store at
// graphRoot, read from their records without opening the store (the
// caller may be outside husk's namespace).
func MonitorPids(graphRoot string) []int {
	files, _ := filepath.Glob(filepath.Join(graphRoot, "*-containers", "*", "userdata", recordFile))
	var pids []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var c Container
		if unmarshalRecord(b, &c) != nil || c.State.Status != StatusRunning {
			continue
		}
		if monitorAlive(&c) {
			pids = append(pids, c.State.MonitorPid)
		}
	}
	return pids
}
