package prunefilter

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/setting"
)

// Filter is a parsed set of prune filters; the zero Filter matches
// everything.
type Filter struct {
	until    time.Time
	labels   []string
	notLabel []string
}

// Kind is what a prune command removes: podman words an unknown filter
// differently for each.
type Kind int

// The kinds of prune.
const (
	System Kind = iota
	Containers
	Images
	Volumes
	Networks
)

// unknown is podman 4.3.1's error for an unknown filter key k.
func (kind Kind) unknown(k string) error {
	switch kind {
	case Images:
		return fmt.Errorf("unsupported image filter %q", k)
	case Volumes:
		return fmt.Errorf("%q is an invalid volume filter", k)
	case Networks:
		return fmt.Errorf("invalid filter %q", k)
	}
	return fmt.Errorf("%s is an invalid filter", k)
}

// Parse parses the KEY=VALUE filters of a prune of kind; now is the time
// durations count back from.
func Parse(filters []string, now time.Time, kind Kind) (Filter, error) {
	var f Filter
	for _, kv := range filters {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return f, setting.Errorf("invalid {filter} %q: use until=TIME, label=KEY[=VALUE] or label!=KEY[=VALUE]", kv)
		}
		switch k {
		case "until":
			t, err := Until(v, now)
			if err != nil {
				return f, err
			}
			if f.until.IsZero() || t.Before(f.until) {
				f.until = t
			}
		case "label":
			f.labels = append(f.labels, v)
		case "label!":
			f.notLabel = append(f.notLabel, v)
		default:
			return f, kind.unknown(k)
		}
	}
	return f, nil
}

// Empty reports whether f matches everything.
func (f Filter) Empty() bool {
	return f.until.IsZero() && len(f.labels) == 0 && len(f.notLabel) == 0
}

// Match reports whether an item created at created with labels passes.
func (f Filter) Match(created time.Time, labels map[string]string) bool {
	if !f.until.IsZero() && !created.Before(f.until) {
		return false
	}
	for _, l := range f.labels {
		if !hasLabel(labels, l) {
			return false
		}
	}
	for _, l := range f.notLabel {
		if hasLabel(labels, l) {
			return false
		}
	}
	return true
}

func hasLabel(labels map[string]string, kv string) bool {
	k, v, withValue := strings.Cut(kv, "=")
	got, ok := labels[k]
	return ok && (!withValue || got == v)
}

// timeLayouts are the timestamps until= takes besides Unix seconds, as
// podman's (Docker's) filters.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// Until is the time an until= value means: a Go duration back from now
// ("24h", "90m"), Unix seconds ("1700000000", "1700000000.5"), or an
// RFC 3339 date and time or date (local time when it has no zone).
func Until(v string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil {
		return now.Add(-d), nil
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "eE") {
		whole := int64(secs)
		return time.Unix(whole, int64((secs-float64(whole))*1e9)), nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid until filter %q: use a duration (24h) or a time (Unix seconds, 2006-01-02T15:04:05Z)", v)
}
