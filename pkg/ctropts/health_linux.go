package ctropts

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
)

// HealthFlags are --health-cmd, --health-interval, --health-timeout,
// --health-retries, --health-start-period, --health-on-failure and
// --no-healthcheck; "" is a flag not given (the image's value, else the
// default).
type HealthFlags struct {
	Cmd, Interval, Timeout, StartPeriod, Retries, OnFailure string
	Disable                                                 bool
}

func (f HealthFlags) apply(cfg *runtime.Config) error {
	var req runtime.HealthRequest
	if f.Disable && f.Cmd != "" {
		return setting.Errorf("cannot specify both {no-healthcheck} and {health-cmd}")
	}
	req.Disable = f.Disable
	if f.Cmd != "" {
		test, err := ParseHealthCmd(f.Cmd)
		if err != nil {
			return setting.Errorf("{health-cmd} %q: %w", f.Cmd, err)
		}
		if test[0] == "NONE" {
			req.Disable = true
		}
		req.Test = test
	}
	var err error
	if req.Interval, err = healthDuration(f.Interval, "{health-interval}", true); err != nil {
		return err
	}
	if req.Timeout, err = healthDuration(f.Timeout, "{health-timeout}", false); err != nil {
		return err
	}
	if req.Timeout != nil && *req.Timeout < time.Second {
		return setting.Errorf("{health-timeout} %q: must be at least 1 second", f.Timeout)
	}
	if req.StartPeriod, err = healthDuration(f.StartPeriod, "{health-start-period}", false); err != nil {
		return err
	}
	if req.StartPeriod != nil && *req.StartPeriod < 0 {
		return setting.Errorf("{health-start-period} %q: must be 0 seconds or greater", f.StartPeriod)
	}
	if f.Retries != "" {
		n, err := strconv.Atoi(f.Retries)
		if err != nil || n < 1 {
			return setting.Errorf("{health-retries} %q: must be a number greater than 0", f.Retries)
		}
		req.Retries = &n
	}
	switch a := runtime.HealthOnFailure(f.OnFailure); a {
	case "", runtime.HealthActionNone:
	case runtime.HealthActionKill, runtime.HealthActionRestart, runtime.HealthActionStop:
		cfg.HealthOnFailure = a
	default:
		return setting.Errorf("invalid on-failure action %q for {health-on-failure}: supported actions are none, kill, restart and stop", f.OnFailure)
	}
	cfg.HealthRequest = req
	return nil
}

// healthDuration reads a duration flag; nil when not given. "disable"
// (for the interval) is 0: no periodic checks.
func healthDuration(v, name string, disable bool) (*time.Duration, error) {
	if v == "" {
		return nil, nil
	}
	var d time.Duration
	if disable && v == "disable" {
		return &d, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return nil, setting.Errorf("invalid "+name+" %q: give a duration such as 30s", v)
	}
	if d <= 0 && disable {
		return nil, setting.Errorf("invalid "+name+" %q: give a positive duration, or disable", v)
	}
	return &d, nil
}

// ParseHealthCmd reads --health-cmd as podman does: a JSON array is the
// test itself when it starts with CMD or CMD-SHELL, a command and its
// arguments (CMD) otherwise, and a one-element array or any other string
// is a shell command (CMD-SHELL); "none" disables the image's
// healthcheck.
func ParseHealthCmd(s string) ([]string, error) {
	if strings.TrimSpace(s) == "none" {
		return []string{"NONE"}, nil
	}
	var arr []string
	if strings.HasPrefix(strings.TrimSpace(s), "[") {
		if err := json.Unmarshal([]byte(s), &arr); err != nil {
			return nil, fmt.Errorf("invalid JSON array: %w", err)
		}
		if len(arr) == 0 {
			return nil, fmt.Errorf("the JSON array is empty: give a command")
		}
		switch {
		case arr[0] == "NONE" || arr[0] == "none":
			return []string{"NONE"}, nil
		case arr[0] == "CMD" || arr[0] == "CMD-SHELL":
			if len(arr) < 2 {
				return nil, fmt.Errorf("%s needs a command after it", arr[0])
			}
			return arr, nil
		case len(arr) > 1:
			return append([]string{"CMD"}, arr...), nil
		}
		return []string{"CMD-SHELL", arr[0]}, nil
	}
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("give a command")
	}
	return []string{"CMD-SHELL", s}, nil
}
