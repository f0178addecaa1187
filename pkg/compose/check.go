package compose

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// serviceKeys are the service keys husk maps onto "husk run" (service.go)
// or that up, logs and down honour themselves.
var serviceKeys = keySet("image", "command", "entrypoint", "environment", "env_file", "user", "working_dir",
	"hostname", "stop_signal", "stop_grace_period", "ipc", "pid", "uts", "userns_mode", "platform", "cgroup_parent",
	"cgroup", "cap_add", "cap_drop", "dns", "dns_search", "dns_opt", "group_add", "security_opt", "tmpfs", "expose",
	"extra_hosts", "sysctls", "annotations", "ulimits", "devices", "privileged", "read_only", "init", "tty",
	"stdin_open", "oom_score_adj", "shm_size", "logging", "ports", "healthcheck", "restart", "deploy", "mem_limit",
	"mem_reservation", "memswap_limit", "cpus", "pids_limit", "cpu_shares", "cpuset", "networks", "network_mode",
	"volumes", "labels", "depends_on", "profiles", "scale", "container_name", "pull_policy", "build", "attach")

// ignoredKeys change nothing husk can honour or not: they are accepted
// with a warning.
var ignoredKeys = map[string]string{
	"develop":    "compose watch is not supported",
	"label_file": "",
}

// deployKeys are the deploy keys husk honours; deploy.resources is
// checked further in checkDeploy.
var deployKeys = keySet("replicas", "resources", "restart_policy", "mode", "labels")

func keySet(keys ...string) map[string]bool {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// checkService refuses a service key husk cannot honour, by name: a
// setting is enforced or refused, never dropped. It returns warnings for
// the keys that change nothing a container sees.
func checkService(s types.ServiceConfig) ([]string, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("service %q: %w", s.Name, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("service %q: %w", s.Name, err)
	}
	var bad, warnings []string
	for _, k := range sortedKeys(m) {
		if string(m[k]) == "null" {
			continue
		}
		if why, ok := ignoredKeys[k]; ok {
			if why != "" {
				warnings = append(warnings, fmt.Sprintf("service %q: %s ignored: %s", s.Name, k, why))
			}
			continue
		}
		if !serviceKeys[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("service %q: %s not supported by husk: remove %s from the compose file (husk refuses settings it cannot honour rather than drop them)",
			s.Name, plural(bad, "is", "are"), plural(bad, "it", "them"))
	}
	if err := checkDeploy(s); err != nil {
		return nil, fmt.Errorf("service %q: %w", s.Name, err)
	}
	if h := s.HealthCheck; h != nil && h.StartInterval != nil {
		return nil, fmt.Errorf("service %q: healthcheck.start_interval is not supported by husk: remove it (interval applies from the start)", s.Name)
	}
	if s.Build != nil && s.Image == "" {
		return nil, fmt.Errorf("service %q: build without image: give the service an image: name for husk build to tag", s.Name)
	}
	return warnings, nil
}

func checkDeploy(s types.ServiceConfig) error {
	d := s.Deploy
	if d == nil {
		return nil
	}
	if d.Mode != "" && d.Mode != "replicated" {
		return fmt.Errorf("deploy.mode %q is not supported by husk: use replicated", d.Mode)
	}
	if len(d.Labels) > 0 {
		return fmt.Errorf("deploy.labels are swarm service labels, not supported by husk: use labels")
	}
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	var bad []string
	for k, v := range m {
		if !deployKeys[k] && string(v) != "{}" && string(v) != "null" {
			bad = append(bad, "deploy."+k)
		}
	}
	for _, r := range []struct {
		name string
		r    *types.Resource
	}{{"limits", d.Resources.Limits}, {"reservations", d.Resources.Reservations}} {
		if r.r == nil {
			continue
		}
		if len(r.r.Devices) > 0 || len(r.r.GenericResources) > 0 {
			bad = append(bad, "deploy.resources."+r.name+".devices")
		}
		if r.name == "reservations" && (r.r.NanoCPUs != 0 || r.r.Pids != 0) {
			bad = append(bad, "deploy.resources.reservations.cpus/pids")
		}
	}
	if rp := d.RestartPolicy; rp != nil && (rp.Delay != nil || rp.Window != nil) {
		bad = append(bad, "deploy.restart_policy.delay/window")
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("%s not supported by husk: remove %s", plural(bad, "is", "are"), plural(bad, "it", "them"))
	}
	return nil
}

// plural lists keys with the verb or pronoun that fits their number.
func plural(keys []string, one, many string) string {
	if len(keys) == 1 {
		if one == "it" {
			return one
		}
		return keys[0] + " " + one
	}
	if many == "them" {
		return many
	}
	return strings.Join(keys, ", ") + " " + many
}
