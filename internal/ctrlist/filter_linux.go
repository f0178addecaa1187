package ctrlist

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/husk-dev/husk/pkg/runtime"
)

// filterKeys are the keys --filter takes, as podman's ps.
var filterKeys = []string{"ancestor", "before", "exited", "health", "id", "label", "label!", "name", "network", "pod",
	"restart-policy", "since", "status", "volume"}

// Filter is a parsed set of --filter values: the values of one key are
// alternatives (any may match), the keys must all match, except label
// and label!, whose values must all match (podman's rules).
type Filter struct {
	values map[string][]string
	names  []*regexp.Regexp
	ids    []*regexp.Regexp
	// before and since are the creation times of the containers named.
	before, since []time.Time
	// podIDs are the pods pod= names that exist (ResolvePods; until it
	// is called, pod= matches pod IDs by prefix).
	podIDs       []string
	podsResolved bool
}

// ResolvePods turns the pods that pod= names into their IDs with
// resolve; a name that is no pod is skipped, as podman skips it.
func (f *Filter) ResolvePods(resolve func(ref string) (id string, ok bool)) {
	f.podsResolved = true
	for _, v := range f.values["pod"] {
		if id, ok := resolve(v); ok {
			f.podIDs = append(f.podIDs, id)
		}
	}
}

// ParseFilter checks KEY=VALUE filters; lookup finds the containers that
// before= and since= name.
func ParseFilter(filters []string, lookup func(ref string) (*runtime.Container, error)) (*Filter, error) {
	f := &Filter{values: map[string][]string{}}
	for _, kv := range filters {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: expected KEY=VALUE", kv)
		}
		if !slices.Contains(filterKeys, k) {
			return nil, fmt.Errorf("unknown filter %q: the filters are %s", k, strings.Join(filterKeys, ", "))
		}
		if err := f.add(k, v, lookup); err != nil {
			return nil, fmt.Errorf("invalid filter %q: %w", kv, err)
		}
		f.values[k] = append(f.values[k], v)
	}
	return f, nil
}

// restartPolicies are the values of restart-policy=, as podman's: none
// is a container without a policy.
var restartPolicies = []string{"none", "no", "always", "on-failure", "unless-stopped"}

// statuses are the values of status=.
var statuses = []string{"created", "running", "paused", "stopped", "exited", "unknown"}

func (f *Filter) add(k, v string, lookup func(ref string) (*runtime.Container, error)) error {
	switch k {
	case "name", "id":
		re, err := regexp.Compile(v)
		if err != nil {
			return fmt.Errorf("not a regular expression: %w", err)
		}
		if k == "name" {
			f.names = append(f.names, re)
		} else {
			f.ids = append(f.ids, re)
		}
	case "status":
		if !slices.Contains(statuses, v) {
			return fmt.Errorf("the states are %s", strings.Join(statuses, ", "))
		}
	case "exited":
		if _, err := strconv.Atoi(v); err != nil {
			return fmt.Errorf("an exit code is a number")
		}
	case "health":
		// podman 4.3.1 takes any value: it compares it with each
		// container's health check status.
	case "restart-policy":
		if !slices.Contains(restartPolicies, v) {
			return fmt.Errorf("%q is not a restart policy: give %s", v, strings.Join(restartPolicies, ", "))
		}
	case "pod":
		if v == "" {
			return fmt.Errorf("a pod's name or ID cannot be empty")
		}
	case "before", "since":
		if lookup == nil {
			return fmt.Errorf("no containers to compare with")
		}
		c, err := lookup(v)
		if err != nil {
			return err
		}
		if k == "before" {
			f.before = append(f.before, c.State.CreatedAt)
		} else {
			f.since = append(f.since, c.State.CreatedAt)
		}
	}
	return nil
}

// All reports whether the filters ask for stopped containers too
// (status=: podman lists them without --all).
func (f *Filter) All() bool {
	return len(f.values["status"]) > 0
}

// Match reports whether c passes the filters.
func (f *Filter) Match(c *runtime.Container) bool {
	for k, vs := range f.values {
		if !f.matchKey(c, k, vs) {
			return false
		}
	}
	return true
}

func (f *Filter) matchKey(c *runtime.Container, k string, vs []string) bool {
	switch k {
	case "label":
		return all(vs, func(v string) bool { return hasLabel(c, v) })
	case "label!":
		return all(vs, func(v string) bool { return !hasLabel(c, v) })
	case "name":
		return slices.ContainsFunc(f.names, func(re *regexp.Regexp) bool { return re.MatchString(c.Name) })
	case "id":
		return slices.ContainsFunc(f.ids, func(re *regexp.Regexp) bool { return re.MatchString(c.ID) })
	case "before":
		return slices.ContainsFunc(f.before, func(t time.Time) bool { return c.State.CreatedAt.Before(t) })
	case "since":
		return slices.ContainsFunc(f.since, func(t time.Time) bool { return c.State.CreatedAt.After(t) })
	case "pod":
		if !f.podsResolved {
			return c.Config.Pod != "" && slices.ContainsFunc(vs, func(v string) bool { return strings.HasPrefix(c.Config.Pod, v) })
		}
		return c.Config.Pod != "" && slices.Contains(f.podIDs, c.Config.Pod)
	}
	return slices.ContainsFunc(vs, func(v string) bool { return matchValue(c, k, v) })
}

func matchValue(c *runtime.Container, k, v string) bool {
	switch k {
	case "status":
		return stateOf(c) == v
	case "health":
		// As podman 4.3.1: the health status's word; a container
		// without a healthcheck (or not running) has none to match.
		return c.Health().Status == v
	case "exited":
		n, _ := strconv.Atoi(v)
		return c.State.Status == runtime.StatusExited && c.State.ExitCode == n
	case "ancestor":
		return isAncestor(c, v)
	case "volume":
		return slices.ContainsFunc(c.Config.Volumes, func(m runtime.VolumeSpec) bool {
			return (m.Kind == runtime.VolumeNamed && m.Source == v) || m.Destination == v
		})
	case "network":
		return slices.Contains(networksOf(c), v)
	case "restart-policy":
		// none is no --restart, as podman's ("no" is an explicit one).
		name := c.Config.Restart.Name
		if name == "" {
			name = "none"
		}
		return name == v
	}
	return false
}

// isAncestor reports whether c's image is v: its name with or without
// the tag latest, the name's last components, or its ID or a prefix.
func isAncestor(c *runtime.Container, v string) bool {
	img := withTag(c.Config.Image)
	tagged := withTag(v)
	return img == tagged || strings.HasPrefix(c.Config.ImageID, v) || strings.HasSuffix(img, "/"+tagged)
}

// withTag is an image name with the tag latest if it has no tag or
// digest.
func withTag(name string) string {
	if name == "" || strings.Contains(name, "@") {
		return name
	}
	if i := strings.LastIndex(name, ":"); i < 0 || strings.Contains(name[i:], "/") {
		return name + ":latest"
	}
	return name
}

// hasLabel reports whether c has the label KEY (any value) or KEY=VALUE.
func hasLabel(c *runtime.Container, kv string) bool {
	k, v, withValue := strings.Cut(kv, "=")
	got, ok := c.Config.Labels[k]
	return ok && (!withValue || got == v)
}

func all(vs []string, ok func(string) bool) bool {
	for _, v := range vs {
		if !ok(v) {
			return false
		}
	}
	return true
}

// Match reports whether c passes filters; before= and since=, which name
// other containers, are refused.
func Match(c *runtime.Container, filters []string) (bool, error) {
	f, err := ParseFilter(filters, nil)
	if err != nil {
		return false, err
	}
	return f.Match(c), nil
}
