package pod

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// Kinds are the namespaces a pod can share; DefaultShare is podman
// 4.3.1's default set.
var (
	Kinds        = []string{"cgroup", "ipc", "net", "pid", "uts"}
	DefaultShare = []string{"ipc", "net", "uts"}
)

// PauseCandidates are where the infra container's pause binary is looked
// for: catatonit, which has a pause mode (-P), podman's own first.
var PauseCandidates = []string{"/usr/libexec/podman/catatonit", "catatonit"}

// pauseDest is where the pause binary is bound in the infra container.
const pauseDest = "/catatonit"

// CreateOptions are pod create's choices.
type CreateOptions struct {
	// Name is the pod's name ("": a random one).
	Name     string
	Hostname string
	Labels   map[string]string
	// Share is --share as given ("": the default; "+pid" adds to the
	// default; "none" shares nothing).
	Share string
	// NoInfra makes a pod without an infra container (--infra=false):
	// its containers share no namespaces.
	NoInfra bool
	// Net is the infra container's network (--network, -p, --dns, ...).
	Net netns.Config
	// Settings are the global settings the infra container is made with.
	Settings runtime.Settings
	// CreateCommand is the command line, for inspect.
	CreateCommand []string
	// PauseBinary is the infra's process ("": the first of
	// PauseCandidates found).
	PauseBinary string
	// Given reports which settings the user gave (nil: none); the
	// network mode has a default.
	Given func(setting string) bool
	// Replace removes a pod of the same name first, with its containers.
	Replace bool
}

// ParseShare is the sorted set of namespaces --share names.
func ParseShare(s string) ([]string, error) {
	var out []string
	add := strings.HasPrefix(s, "+")
	if add {
		out = slices.Clone(DefaultShare)
		s = s[1:]
	}
	switch s {
	case "":
		if add {
			return nil, setting.Errorf("{share} %q: name a namespace after +", "+")
		}
		return slices.Clone(DefaultShare), nil
	case "none":
		return nil, nil
	}
	for _, k := range strings.Split(s, ",") {
		k = strings.TrimSpace(k)
		if !slices.Contains(Kinds, k) {
			return nil, setting.Errorf("{share} %q: %q is not a namespace a pod can share: give some of %s, or none", s, k, strings.Join(Kinds, ", "))
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Create makes a pod and, unless NoInfra, its infra container (created,
// not started: the pod's first start starts it, as podman's does).
func Create(ctx context.Context, env runtime.Env, o CreateOptions) (*Pod, error) {
	share, err := ParseShare(o.Share)
	if err != nil {
		return nil, err
	}
	if o.NoInfra {
		// Without an infra container the pod shares nothing (podman's
		// rule), unless {share} names namespaces: then its first
		// container holds them for the others (podman 4.3.1 refuses
		// this; issue 17 asks for it).
		if len(o.Net.Ports) > 0 || (o.Given != nil && o.Given("network")) {
			return nil, setting.Errorf("a pod without an infra container has no network of its own: leave out {infra}=false, or give {network} and {publish} to its containers")
		}
		if o.Share == "" {
			share = nil
		}
	}
	if (len(o.Net.Ports) > 0 || o.Net.PublishAll) && !slices.Contains(share, "net") {
		return nil, setting.Errorf("{publish}: the pod's containers must share the network namespace to be reached on its ports: add net to {share}")
	}
	if o.Hostname != "" && !slices.Contains(share, "uts") {
		return nil, setting.Errorf("{hostname}: the pod's containers must share the uts namespace to have the pod's host name: add uts to {share}")
	}
	unlock, err := lock(env.Store)
	if err != nil {
		return nil, err
	}
	defer unlock()
	id, err := newID()
	if err != nil {
		return nil, err
	}
	name := o.Name
	if name == "" {
		name = runtime.RandomName()
	} else if err := runtime.CheckContainerName(name); err != nil {
		return nil, fmt.Errorf("pod name: %w", err)
	}
	all, err := List(env.Store)
	if err != nil {
		return nil, err
	}
	for _, other := range all {
		if other.Name == name && o.Replace {
			if err := remove(ctx, env, other, RemoveOptions{Force: true}); err != nil {
				return nil, fmt.Errorf("replace pod %s: %w", name, err)
			}
			continue
		}
		if other.Name == name {
			return nil, fmt.Errorf("the pod name %q is already in use by pod %s: remove that pod or choose another name: %w", name, other.ID[:12], ErrPodExists)
		}
	}
	p := &Pod{ID: id, Name: name, Created: time.Now().UTC(), CreateCommand: o.CreateCommand, Labels: o.Labels,
		Hostname: o.Hostname, Share: share, Net: o.Net, dir: filepath.Join(Dir(env.Store), id)}
	if !o.NoInfra {
		infra, err := createInfra(ctx, env, p, o)
		if err != nil {
			return nil, err
		}
		p.InfraID = infra.ID
		p.Net = infra.Config.Net
	}
	if err := p.save(); err != nil {
		if p.InfraID != "" {
			if c, lerr := runtime.Lookup(env.Store, p.InfraID); lerr == nil {
				_ = runtime.Remove(context.Background(), env, c, true)
			}
		}
		_ = os.RemoveAll(p.dir)
		return nil, err
	}
	recordEvent(env, p, events.Create)
	return p, nil
}

// infraRoot is the infra containers' root directory: empty, with the
// pause binary bound in at start.
func infraRoot(env runtime.Env) (string, error) {
	dir := filepath.Join(Dir(env.Store), "infra-root")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("make the infra containers' root: %w", err)
	}
	return dir, nil
}

// pauseBinary is the infra's process.
func pauseBinary(given string) (string, error) {
	if given != "" {
		return given, nil
	}
	for _, c := range PauseCandidates {
		if p, err := exec.LookPath(c); err == nil {
			return filepath.Abs(p)
		}
	}
	return "", setting.Errorf("a pod's infra container runs catatonit, which is not installed: install it (apt-get install catatonit), or give {infra}=false")
}

func createInfra(ctx context.Context, env runtime.Env, p *Pod, o CreateOptions) (*runtime.Container, error) {
	pause, err := pauseBinary(o.PauseBinary)
	if err != nil {
		return nil, err
	}
	root, err := infraRoot(env)
	if err != nil {
		return nil, err
	}
	cfg := runtime.Config{
		Settings:   o.Settings,
		Name:       p.ID[:12] + "-infra",
		Entrypoint: &[]string{pauseDest, "-P"},
		Net:        o.Net,
		Volumes:    []runtime.VolumeSpec{{Kind: runtime.VolumeBind, Source: pause, Destination: pauseDest, ReadOnly: true}},
		StopSignal: "SIGINT", // catatonit -P ends on SIGINT
		PodMember:  runtime.PodMember{Pod: p.ID, Infra: true},
	}
	cfg.Rootfs = root
	if p.Shares("uts") {
		cfg.Hostname = p.hostname()
	}
	c, err := runtime.Create(ctx, env, cfg)
	if err != nil {
		return nil, fmt.Errorf("create the infra container of pod %s: %w", p.Name, err)
	}
	err = runtime.Prepare(ctx, env, c)
	if err == nil {
		err = c.Save()
	}
	if err != nil {
		_ = runtime.Remove(context.Background(), env, c, true)
		return nil, err
	}
	return c, nil
}

// hostname is the host name of the pod's shared uts namespace.
func (p *Pod) hostname() string {
	if p.Hostname != "" {
		return p.Hostname
	}
	return p.Name
}

func recordEvent(env runtime.Env, p *Pod, status events.Status) {
	if env.Events == nil {
		return
	}
	_ = env.Events.Append(events.Event{Type: events.Pod, Status: status, ID: p.ID, Name: p.Name, Attributes: map[string]string{}})
}
