package prunefilter

import (
	"testing"
	"time"
)

func TestParseAndMatch(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	old := now.Add(-48 * time.Hour)
	recent := now.Add(-time.Minute)
	for _, c := range []struct {
		filters []string
		created time.Time
		labels  map[string]string
		want    bool
	}{
		{nil, recent, nil, true},
		{[]string{"until=24h"}, old, nil, true},
		{[]string{"until=24h"}, recent, nil, false},
		{[]string{"until=1714478400"}, old, nil, true}, // 2024-04-30T12:00Z
		{[]string{"until=1714478400"}, recent, nil, false},
		{[]string{"until=2024-04-30T12:00:00Z"}, old, nil, true},
		{[]string{"until=2024-04-30T12:00:00Z"}, recent, nil, false},
		{[]string{"label=a"}, recent, map[string]string{"a": "1"}, true},
		{[]string{"label=a=1"}, recent, map[string]string{"a": "1"}, true},
		{[]string{"label=a=2"}, recent, map[string]string{"a": "1"}, false},
		{[]string{"label=a", "label=b"}, recent, map[string]string{"a": "1"}, false},
		{[]string{"label!=a"}, recent, map[string]string{"a": "1"}, false},
		{[]string{"label!=a=2"}, recent, map[string]string{"a": "1"}, true},
		{[]string{"label!=a"}, recent, nil, true},
		{[]string{"label=a", "until=24h"}, old, map[string]string{"a": ""}, true},
		{[]string{"label=a", "until=24h"}, recent, map[string]string{"a": ""}, false},
	} {
		f, err := Parse(c.filters, now, System)
		if err != nil {
			t.Fatalf("%v: %v", c.filters, err)
		}
		if got := f.Match(c.created, c.labels); got != c.want {
			t.Errorf("%v on %v %v: %v, want %v", c.filters, c.created, c.labels, got, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, bad := range []string{"foo=1", "until", "until=yesterday", "until=1e9", "dangling=true", "name=x"} {
		if _, err := Parse([]string{bad}, time.Now(), System); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	for kind, want := range map[Kind]string{
		System:     "foo is an invalid filter",
		Containers: "foo is an invalid filter",
		Images:     `unsupported image filter "foo"`,
		Volumes:    `"foo" is an invalid volume filter`,
		Networks:   `invalid filter "foo"`,
	} {
		_, err := Parse([]string{"foo=1"}, time.Now(), kind)
		if err == nil || err.Error() != want {
			t.Errorf("kind %d: %v, want podman's %q", kind, err, want)
		}
	}
}
