package ctropts

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/pkg/runtime"
)

func TestParseHealthCmd(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"curl -f http://localhost/ || exit 1", []string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}},
		{`["false"]`, []string{"CMD-SHELL", "false"}},
		{`["ls", "/"]`, []string{"CMD", "ls", "/"}},
		{`["CMD", "true"]`, []string{"CMD", "true"}},
		{`["CMD-SHELL", "echo hi"]`, []string{"CMD-SHELL", "echo hi"}},
		{"none", []string{"NONE"}},
		{`["NONE"]`, []string{"NONE"}},
	} {
		got, err := ParseHealthCmd(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q %v, want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"[", "[]", `["CMD"]`, " "} {
		if _, err := ParseHealthCmd(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestHealthFlags(t *testing.T) {
	var cfg runtime.Config
	f := HealthFlags{Cmd: "true", Interval: "1s", Retries: "2", StartPeriod: "0s", OnFailure: "restart"}
	if err := f.apply(&cfg); err != nil {
		t.Fatal(err)
	}
	r := cfg.HealthRequest
	if *r.Interval != time.Second || *r.Retries != 2 || *r.StartPeriod != 0 || r.Timeout != nil || cfg.HealthOnFailure != runtime.HealthActionRestart {
		t.Errorf("%+v %q", r, cfg.HealthOnFailure)
	}
	if err := (HealthFlags{Interval: "disable"}).apply(&cfg); err != nil || *cfg.HealthRequest.Interval != 0 {
		t.Errorf("disable: %v", err)
	}
	for _, tc := range []struct {
		f    HealthFlags
		want string
	}{
		{HealthFlags{Interval: "bogus"}, `invalid health-interval "bogus"`},
		{HealthFlags{Interval: "-1s"}, `health-interval "-1s"`},
		{HealthFlags{Timeout: "0s"}, "at least 1 second"},
		{HealthFlags{Retries: "0"}, "greater than 0"},
		{HealthFlags{StartPeriod: "-1s"}, "0 seconds or greater"},
		{HealthFlags{OnFailure: "bogus"}, `invalid on-failure action "bogus"`},
		{HealthFlags{Cmd: "true", Disable: true}, "both no-healthcheck and health-cmd"},
	} {
		err := tc.f.apply(&runtime.Config{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.f, err, tc.want)
		}
	}
}
