package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	cstorage "go.podman.io/storage"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/internal/proc"
	"github.com/husk-dev/husk/pkg/runtime/spec"
	"github.com/husk-dev/husk/pkg/storage"
)

// Config is what the user asked for when creating a container; it is kept
// with the container so start can build the bundle again.
type Config struct {
	// Settings are the global settings the container was created with, so
	// that later commands start it as the user chose.
	Settings    Settings  `json:"settings,omitempty"`
	Name        string    `json:"name"`
	Image       string    `json:"image"`
	ImageID     string    `json:"imageId"`
	Entrypoint  *[]string `json:"entrypoint,omitempty"`
	Command     []string  `json:"command,omitempty"`
	Env         []string  `json:"env,omitempty"`
	User        string    `json:"user,omitempty"`
	Workdir     string    `json:"workdir,omitempty"`
	Hostname    string    `json:"hostname,omitempty"`
	Interactive bool      `json:"interactive,omitempty"`
	TTY         bool      `json:"tty,omitempty"`
	ReadOnly    bool      `json:"readOnly,omitempty"`
	// Labels are the container's labels: the image's, overridden by
	// --label and --label-file. Annotations go into config.json as well.
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	// OldNetwork is the network mode in records written before Net had
	// one; read, never set (NetworkMode says which mode applies).
	OldNetwork string `json:"network,omitempty"`
	// Net is the full network request (mode, ports, DNS, hosts).
	Net             netns.Config     `json:"net"`
	Volumes         []VolumeSpec     `json:"volumes,omitempty"`
	CapAdd          []string         `json:"capAdd,omitempty"`
	CapDrop         []string         `json:"capDrop,omitempty"`
	Privileged      bool             `json:"privileged,omitempty"`
	Seccomp         spec.SeccompMode `json:"seccomp"`
	NoNewPrivileges bool             `json:"noNewPrivileges,omitempty"`
	KeepID          bool             `json:"keepId,omitempty"`
	Remove          bool             `json:"remove,omitempty"`
	Runtime         string           `json:"runtime,omitempty"`
	// StopSignal is the image's STOPSIGNAL ("" = SIGTERM).
	StopSignal string `json:"stopSignal,omitempty"`
	// LogMaxSize rotates the container log past this many bytes (0: the
	// default, DefaultLogMaxSize; -1: never); LogMaxFiles is how many of
	// its files are kept, the current one included (0: the default).
	LogMaxSize  int64 `json:"logMaxSize,omitempty"`
	LogMaxFiles int   `json:"logMaxFiles,omitempty"`
	// Resources are the cgroup limits (--memory, --cpus, ...).
	Resources cgroups.Resources `json:"resources"`
	// CgroupsDisabled runs the container without a cgroup of its own.
	CgroupsDisabled bool `json:"cgroupsDisabled,omitempty"`
	// SdNotify is how a service waiting for the container learns it runs
	// ("": conmon; sdnotify_linux.go).
	SdNotify SdNotifyMode `json:"sdNotify,omitempty"`
	// RunOptions are the settings of run's later flags (runopts_linux.go).
	RunOptions
	// Services are --secret and --init (services_linux.go).
	Services
	// PidFiles get the pids at each start (pidfiles_linux.go).
	PidFiles
	DeviceOptions
	Isolation
	// Restart is --restart (restart_linux.go).
	Restart RestartPolicy `json:"restart"`
	// PodMember is the container's pod (podmember_linux.go).
	PodMember
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
	// RestartState is what its restart policy did (restart_linux.go).
	RestartState
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
	// markedStart: this process recorded itself as the container's
	// starter (markStarting) and has not ended that since.
	markedStart bool
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

// storageMetadata marks the storage library's containers that husk makes
// (others in the store, such as a build's working containers, are not
// husk's to list or to clean up), with the process that makes it: until
// the record is written, only that process may finish the container.
type storageMetadata struct {
	Husk    int    `json:"husk"`
	Creator int    `json:"creator,omitempty"`
	Ticks   uint64 `json:"ticks,omitempty"`
}

// newStorageMetadata is the metadata of a container this process makes.
func newStorageMetadata() string {
	b, _ := json.Marshal(storageMetadata{Husk: 1, Creator: os.Getpid(), Ticks: proc.StartTicks(os.Getpid())})
	return string(b)
}

// orphanAge is how old a container of husk's without a record must be to
// be taken for an interrupted create when its creator is not known
// (records of older versions): Create writes the record within
// milliseconds of making the container.
const orphanAge = time.Minute

// interruptedCreate reports whether sc is husk's and its create was
// interrupted: its creator is gone (or, not recorded, it is old).
func interruptedCreate(sc *cstorage.Container) bool {
	var m storageMetadata
	if json.Unmarshal([]byte(sc.Metadata), &m) != nil || m.Husk != 1 {
		return false
	}
	if m.Creator > 0 && m.Ticks != 0 {
		return proc.StartTicks(m.Creator) != m.Ticks
	}
	return time.Since(sc.Created) > orphanAge
}

// List returns every container with its record. A container husk made
// whose record was never written (its creator was killed in between) is
// removed once its creator is gone, as is a directory made ahead for one
// never created (sweepEarly).
func List(s *storage.Store) ([]*Container, error) {
	all, err := s.Containers()
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	var out []*Container
	known := make(map[string]bool, len(all))
	for i := range all {
		known[all[i].ID] = true
	}
	sweepEarly(s, known)
	for i := range all {
		c, err := load(s, &all[i])
		if err != nil {
			if interruptedCreate(&all[i]) {
				if dir := storageDir(s, all[i].ID); dir != "" && missing(filepath.Join(dir, recordFile)) {
					logrus.Debugf("removing container %s: its create was interrupted before its record was written", short(all[i].ID))
					removeEarlyCgroup(filepath.Join(s.ContainersDir(), all[i].ID), all[i].ID)
					_ = s.DeleteContainer(all[i].ID)
				}
			}
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// storageDir is a storage container's directory ("" when unknown).
func storageDir(s *storage.Store, id string) string {
	dir, err := s.ContainerDirectory(id)
	if err != nil {
		return ""
	}
	return dir
}

// missing reports whether path does not exist (not: cannot be looked at).
func missing(path string) bool {
	_, err := os.Lstat(path)
	return errors.Is(err, os.ErrNotExist)
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// Reachable lists, for a new pause process to adopt, the live processes of
// running containers in the store at graphRoot that still live in the
// namespaces of a lost pause process: monitors first (husk's user and
// mount namespace), then containers' inits (husk's user namespace, or a
// child of it with keep-id). Read from the records without opening the
// store (the caller may be outside husk's namespace).
func Reachable(graphRoot string) (monitors, inits, keepIDInits []int) {
	files, _ := filepath.Glob(filepath.Join(graphRoot, "*-containers", "*", "userdata", recordFile))
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
			monitors = append(monitors, c.State.MonitorPid)
		}
		if c.Alive() {
			if c.Config.ownUserNS() {
				keepIDInits = append(keepIDInits, c.State.Pid)
			} else {
				inits = append(inits, c.State.Pid)
			}
		}
	}
	return monitors, inits, keepIDInits
}

// Rename gives a container a new name.
func Rename(env Env, c *Container, name string) error {
	if err := validName(name); err != nil {
		return err
	}
	if other, err := env.Store.Container(name); err == nil && other.ID != c.ID {
		return fmt.Errorf("the container name %q is already in use by %s: remove that container or choose another name", name, short(other.ID))
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := env.Store.SetNames(c.ID, []string{name}); err != nil {
		return fmt.Errorf("rename container %s to %q: %w", c.Name, name, err)
	}
	if err := c.Reload(); err != nil {
		return err
	}
	c.Name, c.Config.Name = name, name
	return c.Save()
}

// NetworkMode is the container's network mode: Net's, else that of an
// older record, else none.
func (c Config) NetworkMode() string {
	switch {
	case c.Net.Mode != "":
		return c.Net.Mode
	case c.OldNetwork != "":
		return c.OldNetwork
	}
	return netns.ModeNone
}
