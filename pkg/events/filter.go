package events

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/setting"
)

// Options select events: a time window and filters.
type Options struct {
	// Since and Until bound the events' times (zero: no bound).
	Since, Until time.Time
	// Filters by key (see ParseFilters): an event must pass every key,
	// and for a key, one of its values.
	Filters map[string][]string
}

// filterKeys are the filters podman's events take (status is event's old
// name).
var filterKeys = map[string]bool{
	"container": true, "event": true, "status": true, "image": true, "label": true,
	"type": true, "volume": true, "network": true, "pod": true,
}

// ParseFilters reads --filter values KEY=VALUE.
func ParseFilters(vals []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, f := range vals {
		k, v, ok := strings.Cut(f, "=")
		k = strings.ToLower(k)
		if !ok || v == "" {
			return nil, setting.Errorf("invalid {filter} %q: use KEY=VALUE", f)
		}
		if !filterKeys[k] {
			return nil, setting.Errorf("invalid {filter} %q: the keys are container, event, image, label, network, pod, type and volume", f)
		}
		if k == "status" {
			k = "event"
		}
		if k == "type" {
			switch Type(v) {
			case Container, Image, Volume, Network, System, Pod:
			default:
				return nil, setting.Errorf("invalid {filter} %q: the types are container, image, network, pod, system and volume", f)
			}
		}
		out[k] = append(out[k], v)
	}
	return out, nil
}

// Match reports whether o selects e.
func (o Options) Match(e Event) bool {
	if !o.Since.IsZero() && e.Time.Before(o.Since) {
		return false
	}
	if !o.Until.IsZero() && e.Time.After(o.Until) {
		return false
	}
	for key, vals := range o.Filters {
		ok := false
		for _, v := range vals {
			if matchOne(e, key, v) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func matchOne(e Event, key, v string) bool {
	switch key {
	case "type":
		return string(e.Type) == v
	case "event":
		return string(e.Status) == v
	case "container":
		return e.Type == Container && (e.Name == v || strings.HasPrefix(e.ID, v))
	case "pod":
		return e.Type == Pod && (e.Name == v || strings.HasPrefix(e.ID, v))
	case "volume":
		return e.Type == Volume && (e.Name == v || (e.ID != "" && strings.HasPrefix(e.ID, v)))
	case "network":
		return e.Type == Network && (e.Network == v || (e.ID != "" && strings.HasPrefix(e.ID, v)))
	case "image":
		if e.Type == Image && (imageNameMatch(e.Name, v) || (e.ID != "" && strings.HasPrefix(strings.TrimPrefix(e.ID, "sha256:"), strings.TrimPrefix(v, "sha256:")))) {
			return true
		}
		return e.Type == Container && imageNameMatch(e.Image, v)
	case "label":
		k, val, hasVal := strings.Cut(v, "=")
		got, ok := e.Attributes[k]
		return ok && (!hasVal || got == val)
	}
	return false
}

// imageNameMatch: name is ref, or ref with the tag latest, or ref without
// its registry and path (busybox for 127.0.0.1:5055/x/busybox:latest).
func imageNameMatch(name, ref string) bool {
	if name == "" {
		return false
	}
	if name == ref || name == ref+":latest" {
		return true
	}
	short := name[strings.LastIndex(name, "/")+1:]
	return short == ref || short == ref+":latest"
}

// ParseTime reads a --since or --until time as podman does: RFC 3339
// (with or without a zone or fraction), a date, Unix seconds (with an
// optional fraction), or a Go duration, which counts back from now for
// since and forward for until.
func ParseTime(s string, since bool, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02Z07:00", "2006-01-02"} {
		loc := time.Local
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, ok := unixTime(s); ok {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if since {
			return now.Add(-d), nil
		}
		return now.Add(d), nil
	}
	return time.Time{}, fmt.Errorf("invalid time %q: use RFC 3339 (2006-01-02T15:04:05Z), a date, Unix seconds or a duration (10m)", s)
}

func unixTime(s string) (time.Time, bool) {
	sec, frac, hasFrac := strings.Cut(s, ".")
	if sec == "" || !allDigits(sec) || (hasFrac && (frac == "" || !allDigits(frac))) {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n > math.MaxInt64/int64(time.Second) {
		return time.Time{}, false
	}
	var ns int64
	if hasFrac {
		frac = (frac + "000000000")[:9]
		ns, _ = strconv.ParseInt(frac, 10, 64)
	}
	return time.Unix(n, ns), true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
