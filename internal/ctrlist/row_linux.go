package ctrlist

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/docker/go-units"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// Row is one line of husk ps; its fields are what --format templates see
// (podman's names).
type Row struct {
	ID, Image, ImageID, Command string
	// CreatedAt is when the container was created; CreatedHuman and
	// RunningFor say how long ago ("3 minutes ago"); Created is the
	// same, husk's older name.
	CreatedAt                         time.Time
	CreatedHuman, RunningFor, Created string
	// Status is docker's wording ("Up 5 seconds", "Exited (0) 3 minutes
	// ago", "Created"); State is the state's name ("running").
	Status, State string
	Ports, Names  string
	Labels        map[string]string
	// Mounts are the destinations of the container's volumes and binds;
	// Networks the user networks it is on, joined by commas.
	Mounts   []string
	Networks string
	// Size is "RW (virtual ROOTFS)" with --size, else "".
	Size          string
	Pod, PodName  string
	ExitCode, Pid int
	StartedAt     time.Time
	ExitedAt      time.Time
	Exited        bool
	AutoRemove    bool
	// The namespaces' inode numbers (--ns; running containers only).
	Cgroup, IPC, MNT, NET, PIDNS, User, UTS string

	json JSON
}

// headers are the columns whose header is not the field's name in words.
var headers = map[string]string{
	"ID": "CONTAINER ID", "CreatedHuman": "CREATED", "Created": "CREATED", "Pod": "POD ID", "PodName": "PODNAME",
	"Cgroup": "CGROUPNS", "User": "USERNS",
}

// Port is one published port in husk ps --format json (podman's keys).
type Port struct {
	HostIP        string `json:"host_ip"`
	ContainerPort uint16 `json:"container_port"`
	HostPort      uint16 `json:"host_port"`
	Range         uint16 `json:"range"`
	Protocol      string `json:"protocol"`
}

// Size is a container's size in husk ps --size --format json.
type Size struct {
	RootFsSize int64 `json:"rootFsSize"`
	RwSize     int64 `json:"rwSize"`
}

// Namespaces are the namespaces' inode numbers in husk ps --ns --format
// json.
type Namespaces struct {
	Cgroup string `json:"Cgroup,omitempty"`
	Ipc    string `json:"Ipc,omitempty"`
	Mnt    string `json:"Mnt,omitempty"`
	Net    string `json:"Net,omitempty"`
	Pidns  string `json:"Pidns,omitempty"`
	User   string `json:"User,omitempty"`
	Uts    string `json:"Uts,omitempty"`
}

// JSON is one entry of husk ps --format json: podman's keys and types
// (times in Unix seconds, names as lists).
type JSON struct {
	AutoRemove bool
	Command    []string
	CreatedAt  string
	Exited     bool
	ExitedAt   int64
	ExitCode   int
	ID         string `json:"Id"`
	Image      string
	ImageID    string
	IsInfra    bool
	Labels     map[string]string
	Mounts     []string
	Names      []string
	Namespaces Namespaces
	Networks   []string
	Pid        int
	Pod        string
	PodName    string
	Ports      []Port
	Size       *Size
	StartedAt  int64
	State      string
	Status     string
	Created    int64
}

// rowOptions are what a row depends on besides its container.
type rowOptions struct {
	now     time.Time
	noTrunc bool
	// size gives the container's size (--size), ns its namespaces (--ns).
	size func(*runtime.Container) *Size
	ns   func(*runtime.Container) Namespaces
	// podNames are the pods' names by ID; podJSON puts them in the JSON
	// too (podman's ps --pod).
	podNames map[string]string
	podJSON  bool
}

// MakeRow is c's row, with its ages as at now.
func MakeRow(c *runtime.Container, noTrunc bool, now time.Time) Row {
	return makeRow(c, rowOptions{now: now, noTrunc: noTrunc})
}

func makeRow(c *runtime.Container, o rowOptions) Row {
	args := append(append([]string{}, entrypointOf(c)...), c.Config.Command...)
	command := strings.Join(args, " ")
	if !o.noTrunc && len(command) > 20 {
		command = command[:17] + "..."
	}
	created := format.Ago(c.State.CreatedAt, o.now)
	r := Row{ID: trunc(c.ID, o.noTrunc), Image: c.Config.Image, ImageID: trunc(c.Config.ImageID, o.noTrunc), Command: command,
		CreatedAt: c.State.CreatedAt, CreatedHuman: created, RunningFor: created, Created: created,
		Status: StatusWords(c, o.now), State: stateOf(c), Names: c.Name, Labels: c.Config.Labels,
		Mounts: mountsOf(c), Networks: strings.Join(networksOf(c), ","), Ports: portsOf(c.Config.Net.Ports), ExitCode: c.State.ExitCode,
		Pid: c.State.Pid, StartedAt: c.State.StartedAt, ExitedAt: c.State.FinishedAt,
		Exited: c.State.Status == runtime.StatusExited, AutoRemove: c.Config.Remove}
	if r.Labels == nil {
		r.Labels = map[string]string{}
	}
	if c.State.Status != runtime.StatusRunning {
		r.Pid = 0
	}
	var size *Size
	if o.size != nil {
		if size = o.size(c); size != nil {
			r.Size = fmt.Sprintf("%s (virtual %s)", compactSize(size.RwSize), compactSize(size.RootFsSize))
		}
	}
	var ns Namespaces
	if o.ns != nil && c.State.Status == runtime.StatusRunning {
		ns = o.ns(c)
		r.Cgroup, r.IPC, r.MNT, r.NET, r.PIDNS, r.User, r.UTS = ns.Cgroup, ns.Ipc, ns.Mnt, ns.Net, ns.Pidns, ns.User, ns.Uts
	}
	r.json = JSON{AutoRemove: r.AutoRemove, Command: args, CreatedAt: created, Exited: r.Exited, ExitedAt: unix(c.State.FinishedAt),
		ExitCode: r.ExitCode, ID: c.ID, Image: r.Image, ImageID: c.Config.ImageID, Labels: c.Config.Labels, Mounts: r.Mounts,
		Names: []string{c.Name}, Namespaces: ns, Networks: networksOf(c), Pid: r.Pid, Ports: jsonPorts(c.Config.Net.Ports),
		Size: size, StartedAt: unix(c.State.StartedAt), State: r.State, Status: r.Status, Created: unix(c.State.CreatedAt),
		IsInfra: c.Config.Infra, Pod: c.Config.Pod}
	if c.Config.Pod != "" {
		r.Pod, r.PodName = trunc(c.Config.Pod, o.noTrunc), o.podNames[c.Config.Pod]
		if o.podJSON {
			r.json.PodName = r.PodName
		}
	}
	return r
}

// unix is t in Unix seconds, as podman gives the zero time too.
func unix(t time.Time) int64 {
	if t.IsZero() {
		return time.Time{}.Unix()
	}
	return t.Unix()
}

func trunc(id string, noTrunc bool) string {
	if !noTrunc && len(id) > 12 {
		return id[:12]
	}
	return id
}

// StatusWords is c's status in docker's words as at now: "Up 5 seconds",
// "Up 3 hours (Paused)", "Up 1 minute (healthy)", "Exited (0) 3 minutes ago", "Created".
func StatusWords(c *runtime.Container, now time.Time) string {
	switch c.State.Status {
	case runtime.StatusRunning:
		s := "Up " + format.HumanDuration(now.Sub(c.State.StartedAt))
		if c.State.Paused {
			s += " (Paused)"
		} else if h := c.Health().Status; h != "" {
			s += " (" + h + ")"
		}
		return s
	case runtime.StatusExited:
		if c.State.FinishedAt.IsZero() {
			return fmt.Sprintf("Exited (%d)", c.State.ExitCode)
		}
		return fmt.Sprintf("Exited (%d) %s", c.State.ExitCode, format.Ago(c.State.FinishedAt, now))
	case StatusStorage:
		return "Storage"
	}
	return "Created"
}

func stateOf(c *runtime.Container) string {
	if c.State.Paused && c.State.Status == runtime.StatusRunning {
		return "paused"
	}
	return string(c.State.Status)
}

func mountsOf(c *runtime.Container) []string {
	out := []string{}
	for _, v := range c.Config.Volumes {
		out = append(out, v.Destination)
	}
	return out
}

// networksOf are the user networks c is on (podman lists none for the
// rootless default).
func networksOf(c *runtime.Container) []string {
	if m := c.Config.NetworkMode(); netns.IsUserNetwork(m) {
		return []string{m}
	}
	return []string{}
}

// portsOf is the ports as podman's PORTS column shows them:
// "0.0.0.0:8080->80/tcp, 0.0.0.0:9000-9001->9000-9001/udp".
func portsOf(ps []netns.PortMapping) string {
	var out []string
	for _, p := range ps {
		host := p.HostIP
		if host == "" {
			host = "0.0.0.0"
		}
		n := p.Range
		if n <= 1 {
			out = append(out, fmt.Sprintf("%s:%d->%d/%s", host, p.HostPort, p.ContainerPort, protocol(p)))
			continue
		}
		out = append(out, fmt.Sprintf("%s:%d-%d->%d-%d/%s", host, p.HostPort, p.HostPort+n-1, p.ContainerPort, p.ContainerPort+n-1, protocol(p)))
	}
	return strings.Join(out, ", ")
}

func protocol(p netns.PortMapping) string {
	if p.Protocol == "" {
		return "tcp"
	}
	return p.Protocol
}

func jsonPorts(ps []netns.PortMapping) []Port {
	var out []Port
	for _, p := range ps {
		n := p.Range
		if n == 0 {
			n = 1
		}
		out = append(out, Port{HostIP: p.HostIP, ContainerPort: p.ContainerPort, HostPort: p.HostPort, Range: n, Protocol: protocol(p)})
	}
	return out
}

// compactSize is a size as podman's SIZE column of ps gives it: "12B",
// "1.99MB" (three significant digits, as podman asks go-units for).
func compactSize(n int64) string { return units.HumanSizeWithPrecision(float64(n), 3) }

func entrypointOf(c *runtime.Container) []string {
	if c.Config.Entrypoint != nil {
		return *c.Config.Entrypoint
	}
	return nil
}

// sortKeys are the values of --sort.
var sortKeys = []string{"command", "created", "id", "image", "names", "runningfor", "size", "status"}

// sortRows orders rows by key, in ascending order as podman does:
// created (oldest first), runningfor (by start, never started first),
// size (smallest first), status by the state's name, the others by their
// text.
func sortRows(rows []Row, key string) {
	less := map[string]func(a, b Row) bool{
		"command":    func(a, b Row) bool { return strings.Join(a.json.Command, " ") < strings.Join(b.json.Command, " ") },
		"created":    func(a, b Row) bool { return a.CreatedAt.Before(b.CreatedAt) },
		"runningfor": func(a, b Row) bool { return a.StartedAt.Before(b.StartedAt) },
		"id":         func(a, b Row) bool { return a.json.ID < b.json.ID },
		"image":      func(a, b Row) bool { return a.Image < b.Image },
		"names":      func(a, b Row) bool { return a.Names < b.Names },
		"status":     func(a, b Row) bool { return a.State < b.State },
		"size":       func(a, b Row) bool { return sizeOf(a) < sizeOf(b) },
	}[key]
	if less != nil {
		sort.SliceStable(rows, func(i, j int) bool { return less(rows[i], rows[j]) })
	}
}

func sizeOf(r Row) int64 {
	if r.json.Size == nil {
		return -1
	}
	return r.json.Size.RwSize
}
