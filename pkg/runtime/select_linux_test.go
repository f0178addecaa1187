package runtime

import (
	"strings"
	"testing"
	"time"
)

func TestSelectionCheck(t *testing.T) {
	match := func(*Container) bool { return true }
	for _, tc := range []struct {
		s    Selection
		want string // "" for no error
	}{
		{Selection{Refs: []string{"a"}}, ""},
		{Selection{All: true}, ""},
		{Selection{Latest: true}, ""},
		{Selection{CIDFiles: []string{"f"}}, ""},
		{Selection{Filter: match}, ""},
		{Selection{Filter: match, All: true}, ""},
		{Selection{}, "at least one name"},
		{Selection{All: true, Latest: true}, "all and latest cannot be used together"},
		{Selection{All: true, Refs: []string{"a"}}, "no arguments are needed with all"},
		{Selection{Latest: true, Refs: []string{"a"}}, "latest and containers"},
		{Selection{CIDFiles: []string{"f"}, Refs: []string{"a"}}, "no arguments are needed with latest or cidfile"},
		{Selection{Filter: match, Refs: []string{"a"}}, "filter takes no arguments"},
		{Selection{Filter: match, Refs: []string{"a"}, NarrowFilter: true}, ""},
		{Selection{Filter: match, Latest: true, NarrowFilter: true}, "filter takes no arguments"},
	} {
		err := tc.s.Check()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: got %v, want %q", tc.s, err, tc.want)
		}
	}
}

func TestParseWaitInterval(t *testing.T) {
	for in, want := range map[string]time.Duration{"250ms": 250 * time.Millisecond, "100": 100 * time.Millisecond, "2s": 2 * time.Second} {
		if got, err := ParseWaitInterval(in); err != nil || got != want {
			t.Errorf("%q: got %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"1x", "-5s", ""} {
		if _, err := ParseWaitInterval(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestCheckWaitConditions(t *testing.T) {
	if err := CheckWaitConditions([]string{"running", "stopped", "exited", "created", "paused"}); err != nil {
		t.Error(err)
	}
	if err := CheckWaitConditions([]string{"healthy", "unhealthy"}); err != nil {
		t.Errorf("healthy: %v", err)
	}
	if err := CheckWaitConditions([]string{"stopping"}); err == nil || !strings.Contains(err.Error(), "no such state") {
		t.Errorf("stopping: %v", err)
	}
	if err := CheckWaitConditions([]string{"bogus"}); err == nil || !strings.Contains(err.Error(), "unknown") {
		t.Errorf("bogus: %v", err)
	}
}

func TestSelectionAccepts(t *testing.T) {
	c := &Container{ID: "0123456789abcdef", Name: "web"}
	yes := func(*Container) bool { return true }
	no := func(*Container) bool { return false }
	for _, tc := range []struct {
		s    Selection
		want bool
	}{
		{Selection{All: true}, true},
		{Selection{All: true, AllWhere: no}, false},
		{Selection{Latest: true, AllWhere: no}, true},
		{Selection{Filter: yes}, true},
		{Selection{Filter: no}, false},
		{Selection{Filter: yes, NarrowFilter: true, Refs: []string{"web"}}, true},
		{Selection{Filter: yes, NarrowFilter: true, Refs: []string{"0123456789abcdef"}}, true},
		// podman 4.3.1 matches a name or the full ID only.
		{Selection{Filter: yes, NarrowFilter: true, Refs: []string{"0123"}}, false},
		{Selection{Filter: yes, NarrowFilter: true, Refs: []string{"db"}}, false},
		{Selection{Filter: no, NarrowFilter: true, Refs: []string{"web"}}, false},
	} {
		if got := tc.s.accepts(c); got != tc.want {
			t.Errorf("%+v: got %v, want %v", tc.s, got, tc.want)
		}
	}
}
