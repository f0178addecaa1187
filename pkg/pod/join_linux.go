package pod

import (
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// Join makes cfg a container of the pod: it carries the pod's ID and
// joins the namespaces the pod shares, held by its infra container or,
// without one, by holder (the pod's first container, from Holder; ""
// makes cfg that first container). Settings
// of a shared namespace are the pod's: giving them to the container is
// refused, as podman refuses them; given reports which settings the user
// gave (the network mode has a default).
func Join(p *Pod, cfg *runtime.Config, given func(setting string) bool, holder string) error {
	cfg.Pod = p.ID
	if len(p.Share) == 0 {
		return nil
	}
	if !p.HasInfra() && holder == "" {
		// The first container of a pod without infra holds its
		// namespaces: it joins none, and has the pod's host name.
		cfg.Holder = true
		if p.Shares("uts") && cfg.Hostname == "" {
			cfg.Hostname = p.hostname()
		}
		return nil
	}
	if p.HasInfra() {
		holder = p.InfraID
	}
	infra := runtime.NSContainerPrefix + holder
	if p.Shares("net") {
		n := cfg.Net
		if len(n.Ports) > 0 || n.PublishAll || len(cfg.Expose) > 0 {
			return setting.Errorf("invalid config provided: published or exposed ports must be defined when the pod is created: network cannot be configured when it is shared with a pod: give {publish} to husk pod create")
		}
		if !given("network") {
			cfg.Net.Mode = netns.ContainerPrefix + holder
		}
		// Else the container has the network it asks for, outside the
		// pod's, as podman 4.3.1 gives it.
	}
	for _, o := range []struct {
		kind, setting string
		mode          *string
	}{{"ipc", "ipc", &cfg.IPC}, {"pid", "pid", &cfg.PID}, {"uts", "uts", &cfg.UTS}, {"cgroup", "cgroupns", &cfg.Cgroupns}} {
		if !p.Shares(o.kind) {
			continue
		}
		if *o.mode != "" {
			return setting.Errorf("invalid config provided: the pod shares its %s namespace: leave out {%s}, or make the pod without it in {share}", o.kind, o.setting)
		}
		*o.mode = infra
	}
	if p.Shares("uts") {
		if cfg.Hostname != "" {
			return setting.Errorf("invalid config provided: cannot set {hostname} when joining the pod UTS namespace: give it to husk pod create")
		}
		cfg.Hostname = p.hostname()
	}
	return nil
}
