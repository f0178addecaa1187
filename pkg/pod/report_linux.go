package pod

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// Inspect is a pod as podman 4.3.1's pod inspect shows it: the same keys,
// the same omissions (a pod without an infra container has no infra
// keys, no shared namespaces and no cgroup path).
type Inspect struct {
	ID            string            `json:"Id"`
	Name          string            `json:"Name"`
	Created       time.Time         `json:"Created"`
	CreateCommand []string          `json:"CreateCommand,omitempty"`
	ExitPolicy    string            `json:"ExitPolicy"`
	State         string            `json:"State"`
	Hostname      string            `json:"Hostname"`
	Labels        map[string]string `json:"Labels,omitempty"`
	CreateCgroup  bool              `json:"CreateCgroup"`
	CgroupParent  string            `json:"CgroupParent"`
	// CgroupPath is the infra container's cgroup (husk makes no cgroup
	// for a pod: each container has its own); only with infra, as podman.
	CgroupPath       *string         `json:"CgroupPath,omitempty"`
	CreateInfra      bool            `json:"CreateInfra"`
	InfraContainerID string          `json:"InfraContainerID,omitempty"`
	InfraConfig      *InfraConfig    `json:"InfraConfig,omitempty"`
	SharedNamespaces []string        `json:"SharedNamespaces,omitempty"`
	NumContainers    int             `json:"NumContainers"`
	Containers       []InspectMember `json:"Containers,omitempty"`
}

// InfraConfig is the infra container's network settings in pod inspect.
type InfraConfig struct {
	PortBindings       map[string][]PortBinding `json:"PortBindings"`
	HostNetwork        bool                     `json:"HostNetwork"`
	StaticIP           string                   `json:"StaticIP"`
	StaticMAC          string                   `json:"StaticMAC"`
	NoManageResolvConf bool                     `json:"NoManageResolvConf"`
	DNSServer          []string                 `json:"DNSServer"`
	DNSSearch          []string                 `json:"DNSSearch"`
	DNSOption          []string                 `json:"DNSOption"`
	NoManageHosts      bool                     `json:"NoManageHosts"`
	HostAdd            []string                 `json:"HostAdd"`
	Networks           []string                 `json:"Networks"`
	NetworkOptions     map[string][]string      `json:"NetworkOptions"`
	PidNS              string                   `json:"pid_ns"`
	UserNS             string                   `json:"userns"`
	UtsNS              string                   `json:"uts_ns"`
}

// PortBinding is one host side of a published port.
type PortBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

// InspectMember is a container of the pod in pod inspect.
type InspectMember struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State string `json:"State"`
}

// InspectPod is p as podman's pod inspect shows it; cs are its members
// (Members).
func InspectPod(p *Pod, cs []*runtime.Container) Inspect {
	out := Inspect{ID: p.ID, Name: p.Name, Created: p.Created, CreateCommand: p.CreateCommand, ExitPolicy: "continue",
		State: State(cs), Hostname: p.Hostname, Labels: p.Labels, CreateInfra: p.HasInfra(), NumContainers: len(cs),
		SharedNamespaces: p.Share} // none without infra, unless its first container holds them
	if p.HasInfra() {
		out.InfraContainerID = p.InfraID
		out.InfraConfig = infraConfig(p)
		cg := ""
		for _, c := range cs {
			if c.Config.Infra && c.Alive() {
				cg = c.State.Cgroup
			}
		}
		// As container inspect gives it: below the cgroup mount.
		for _, root := range []string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup"} {
			if rest, ok := strings.CutPrefix(cg, root+"/"); ok {
				cg = "/" + rest
				break
			}
		}
		out.CgroupPath = &cg
		if cg != "" {
			out.CgroupParent = filepath.Dir(cg)
		}
	}
	for _, c := range cs {
		out.Containers = append(out.Containers, InspectMember{ID: c.ID, Name: c.Name, State: memberState(c)})
	}
	return out
}

func infraConfig(p *Pod) *InfraConfig {
	ic := &InfraConfig{PortBindings: map[string][]PortBinding{}, HostNetwork: p.Net.Mode == netns.ModeHost,
		DNSServer: p.Net.DNS, DNSSearch: p.Net.DNSSearch, DNSOption: p.Net.DNSOptions, HostAdd: p.Net.AddHosts,
		PidNS: "private", UserNS: "host", UtsNS: "private"}
	if netns.IsUserNetwork(p.Net.Mode) {
		ic.Networks = []string{p.Net.Mode}
	}
	for _, m := range p.Net.Ports {
		for i := 0; i < max(int(m.Range), 1); i++ {
			k := fmt.Sprintf("%d/%s", int(m.ContainerPort)+i, m.Protocol)
			ic.PortBindings[k] = append(ic.PortBindings[k], PortBinding{HostIP: m.HostIP, HostPort: strconv.Itoa(int(m.HostPort) + i)})
		}
	}
	return ic
}

// memberState is a container's state word in pod inspect and pod ps.
func memberState(c *runtime.Container) string {
	switch {
	case c.Alive() && c.State.Paused:
		return "paused"
	case c.Alive():
		return "running"
	case c.State.Status == runtime.StatusExited:
		return "exited"
	}
	return "created"
}

// Row is one line of pod ps; its fields and methods are what --format
// templates see (podman's names).
type Row struct {
	ID, Name, Status, InfraID, Cgroup, Namespace string
	// Created is how long ago the pod was made ("3 minutes ago");
	// CreatedAt is when.
	Created   string
	CreatedAt time.Time
	Labels    map[string]string
	// Networks are the infra container's user networks, joined by commas.
	Networks string
	// NumberOfContainers counts the infra container too.
	NumberOfContainers int
	// ContainerNames, ContainerIds and ContainerStatuses list the members
	// (--ctr-names, --ctr-ids, --ctr-status), joined by commas.
	ContainerNames, ContainerIds, ContainerStatuses string

	json RowJSON
}

// Id is ID, podman's other spelling; InfraId likewise.
func (r Row) Id() string      { return r.ID }      //nolint:revive // podman's template name
func (r Row) InfraId() string { return r.InfraID } //nolint:revive // podman's template name

// RowJSON is one entry of pod ps --format json (podman's keys).
type RowJSON struct {
	Cgroup     string            `json:"Cgroup"`
	Containers []RowMember       `json:"Containers"`
	Created    time.Time         `json:"Created"`
	ID         string            `json:"Id"`
	InfraID    string            `json:"InfraId"`
	Name       string            `json:"Name"`
	Namespace  string            `json:"Namespace"`
	Networks   []string          `json:"Networks"`
	Status     string            `json:"Status"`
	Labels     map[string]string `json:"Labels"`
}

// RowMember is a container in pod ps --format json.
type RowMember struct {
	ID     string `json:"Id"`
	Names  string `json:"Names"`
	Status string `json:"Status"`
}

// JSON is the row as pod ps --format json shows it.
func (r Row) JSON() RowJSON { return r.json }

// MakeRow is p's pod ps row as at now.
func MakeRow(p *Pod, cs []*runtime.Container, noTrunc bool, now time.Time) Row {
	trunc := func(id string) string {
		if !noTrunc && len(id) > 12 {
			return id[:12]
		}
		return id
	}
	r := Row{ID: trunc(p.ID), Name: p.Name, Status: State(cs), InfraID: trunc(p.InfraID), Created: format.Ago(p.Created, now),
		CreatedAt: p.Created, Labels: p.Labels, NumberOfContainers: len(cs)}
	if r.Labels == nil {
		r.Labels = map[string]string{}
	}
	nets := []string{}
	if netns.IsUserNetwork(p.Net.Mode) {
		nets = append(nets, p.Net.Mode)
	}
	r.Networks = strings.Join(nets, ",")
	var names, ids, states []string
	members := []RowMember{}
	for _, c := range cs {
		names, ids, states = append(names, c.Name), append(ids, trunc(c.ID)), append(states, memberState(c))
		members = append(members, RowMember{ID: c.ID, Names: c.Name, Status: memberState(c)})
	}
	r.ContainerNames, r.ContainerIds, r.ContainerStatuses = strings.Join(names, ","), strings.Join(ids, ","), strings.Join(states, ",")
	r.json = RowJSON{Containers: members, Created: p.Created, ID: p.ID, InfraID: p.InfraID, Name: p.Name, Networks: nets,
		Status: r.Status, Labels: r.Labels}
	return r
}

// FilterKeys are the keys pod ps --filter takes, as podman's.
var FilterKeys = []string{"ctr-ids", "ctr-names", "ctr-number", "ctr-status", "id", "label", "name", "network", "status", "until"}

// statuses are the values of status=.
var statuses = []string{"stopped", "running", "paused", "exited", "dead", "created", "degraded"}

// Filter is pod ps's parsed --filter values: values of one key are
// alternatives, keys must all match (label's values all match).
type Filter struct {
	values map[string][]string
	res    map[string][]*regexp.Regexp
}

// ParseFilter checks pod ps's KEY=VALUE filters.
func ParseFilter(filters []string) (*Filter, error) {
	f := &Filter{values: map[string][]string{}, res: map[string][]*regexp.Regexp{}}
	for _, kv := range filters {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: expected KEY=VALUE", kv)
		}
		if !slices.Contains(FilterKeys, k) {
			return nil, fmt.Errorf("%s is an invalid filter: the filters are %s", k, strings.Join(FilterKeys, ", "))
		}
		switch k {
		case "name", "id":
			re, err := regexp.Compile(v)
			if err != nil {
				return nil, fmt.Errorf("invalid filter %q: not a regular expression: %w", kv, err)
			}
			f.res[k] = append(f.res[k], re)
		case "status":
			if !slices.Contains(statuses, strings.ToLower(v)) {
				return nil, fmt.Errorf("invalid filter %q: the states are %s", kv, strings.Join(statuses, ", "))
			}
		case "ctr-number":
			if _, err := strconv.Atoi(v); err != nil {
				return nil, fmt.Errorf("invalid filter %q: give a number", kv)
			}
		case "until":
			if _, err := untilTime(v, time.Now()); err != nil {
				return nil, fmt.Errorf("invalid filter %q: %w", kv, err)
			}
		}
		f.values[k] = append(f.values[k], v)
	}
	return f, nil
}

// untilTime reads until='s value: a duration ago, or an RFC 3339 time, or
// Unix seconds.
func untilTime(v string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	return time.Time{}, fmt.Errorf("give a duration (10m), an RFC 3339 time or Unix seconds")
}

// Match reports whether the pod p with the members cs passes the filters.
func (f *Filter) Match(p *Pod, cs []*runtime.Container) bool {
	for k, vs := range f.values {
		switch k {
		case "name":
			if !slices.ContainsFunc(f.res[k], func(re *regexp.Regexp) bool { return re.MatchString(p.Name) }) {
				return false
			}
		case "id":
			if !slices.ContainsFunc(f.res[k], func(re *regexp.Regexp) bool { return re.MatchString(p.ID) }) {
				return false
			}
		case "label":
			for _, v := range vs {
				lk, lv, withValue := strings.Cut(v, "=")
				got, ok := p.Labels[lk]
				if !ok || (withValue && got != lv) {
					return false
				}
			}
		default:
			if !slices.ContainsFunc(vs, func(v string) bool { return matchValue(p, cs, k, v) }) {
				return false
			}
		}
	}
	return true
}

func matchValue(p *Pod, cs []*runtime.Container, k, v string) bool {
	switch k {
	case "status":
		return strings.EqualFold(State(cs), v)
	case "ctr-number":
		n, _ := strconv.Atoi(v)
		return len(cs) == n
	case "ctr-names":
		return slices.ContainsFunc(cs, func(c *runtime.Container) bool { return c.Name == v })
	case "ctr-ids":
		return slices.ContainsFunc(cs, func(c *runtime.Container) bool { return strings.HasPrefix(c.ID, v) })
	case "ctr-status":
		return slices.ContainsFunc(cs, func(c *runtime.Container) bool { return memberState(c) == v })
	case "network":
		return p.Net.Mode == v
	case "until":
		t, err := untilTime(v, time.Now())
		return err == nil && p.Created.Before(t)
	}
	return false
}

// Headers are pod ps's column headers where they are not the field's
// name in words.
var Headers = map[string]string{
	"ID": "POD ID", "Id": "POD ID", "InfraID": "INFRA ID", "InfraId": "INFRA ID", "NumberOfContainers": "# OF CONTAINERS",
	"ContainerNames": "NAMES", "ContainerIds": "IDS", "ContainerStatuses": "STATUS",
}
