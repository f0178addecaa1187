package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// HealthConfig is a container's healthcheck, in the shape (and JSON) of
// docker's image config and podman's inspect: Test is ["CMD-SHELL", s],
// ["CMD", args...] or ["NONE"]; the durations are nanoseconds.
type HealthConfig struct {
	Test        []string      `json:"Test,omitempty"`
	StartPeriod time.Duration `json:"StartPeriod,omitempty"`
	Interval    time.Duration `json:"Interval,omitempty"`
	Timeout     time.Duration `json:"Timeout,omitempty"`
	Retries     int           `json:"Retries,omitempty"`
}

// The defaults of a healthcheck's settings (docker's and podman's).
const (
	DefaultHealthInterval = 30 * time.Second
	DefaultHealthTimeout  = 30 * time.Second
	DefaultHealthRetries  = 3
)

// HealthOnFailure is what happens to a container that turned unhealthy.
type HealthOnFailure string

const (
	HealthActionNone    HealthOnFailure = "none"
	HealthActionKill    HealthOnFailure = "kill"
	HealthActionRestart HealthOnFailure = "restart"
	HealthActionStop    HealthOnFailure = "stop"
)

// HealthRequest is what run and create's flags ask for; Create combines
// it with the image's HEALTHCHECK (resolveHealth). A nil field was not
// given.
type HealthRequest struct {
	// Test is --health-cmd's command (nil: the image's).
	Test                           []string
	Interval, Timeout, StartPeriod *time.Duration
	Retries                        *int
	// Disable is --no-healthcheck (or --health-cmd none).
	Disable bool
}

// Health statuses (podman's words).
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
)

// maxHealthLog is how many results the record keeps; maxHealthOutput how
// many bytes of a check's output each keeps.
const (
	maxHealthLog    = 5
	maxHealthOutput = 4096
)

// HealthLog is one check's result.
type HealthLog struct {
	Start    string `json:"Start"`
	End      string `json:"End"`
	ExitCode int    `json:"ExitCode"`
	Output   string `json:"Output"`
}

// HealthRecord is a container's health as podman's inspect shows it
// (State.Health), kept in the container's directory. StartedAt is the
// start it belongs to: a record of an earlier start counts as none.
type HealthRecord struct {
	Status        string      `json:"Status"`
	FailingStreak int         `json:"FailingStreak"`
	Log           []HealthLog `json:"Log"`
	StartedAt     time.Time   `json:"startedAt"`
}

// ErrNoHealthcheck: the container has no healthcheck to run.
var ErrNoHealthcheck = errors.New("has no defined healthcheck")

// HasHealthcheck reports whether c has a healthcheck.
func (c *Container) HasHealthcheck() bool {
	h := c.Config.Healthcheck
	return h != nil && len(h.Test) > 0 && h.Test[0] != "NONE"
}

func healthFile(c *Container) string { return filepath.Join(c.Dir, "health.json") }

// Health is c's health now: "" when it has no healthcheck or does not
// run; a running container whose check has not said anything yet is
// starting.
func (c *Container) Health() HealthRecord {
	if !c.HasHealthcheck() || c.State.Status != StatusRunning {
		return HealthRecord{}
	}
	r := readHealth(c)
	if r.Status == "" {
		r.Status = HealthStarting
	}
	return r
}

// readHealth reads the record of c's current start (zero when there is
// none).
func readHealth(c *Container) HealthRecord {
	var r HealthRecord
	b, err := os.ReadFile(healthFile(c))
	if err != nil || json.Unmarshal(b, &r) != nil || !r.StartedAt.Equal(c.State.StartedAt) {
		return HealthRecord{}
	}
	return r
}

// writeHealth replaces the record: written aside and renamed, so a reader
// sees all of it or nothing.
func writeHealth(c *Container, r HealthRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	tmp := healthFile(c) + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write the health record of %s: %w", c.Name, err)
	}
	if err := os.Rename(tmp, healthFile(c)); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write the health record of %s: %w", c.Name, err)
	}
	return nil
}

// lockHealth serializes the updates of c's record (a check the monitor
// runs, one "healthcheck run" runs).
func lockHealth(c *Container) (func(), error) {
	f, err := os.OpenFile(filepath.Join(c.Dir, "health.lock"), os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock the health record of %s: %w", c.Name, err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock the health record of %s: %w", c.Name, err)
	}
	return func() { f.Close() }, nil
}

// apply adds a check's result to r; inStart says the container is in its
// start period, where failures do not count. It returns the new status.
func (r *HealthRecord) apply(res HealthLog, retries int, inStart bool) {
	r.Log = append(r.Log, res)
	if len(r.Log) > maxHealthLog {
		r.Log = append([]HealthLog(nil), r.Log[len(r.Log)-maxHealthLog:]...)
	}
	if r.Status == "" {
		r.Status = HealthStarting
	}
	switch {
	case res.ExitCode == 0:
		r.Status, r.FailingStreak = HealthHealthy, 0
	case inStart:
		// Failures in the start period do not count.
	default:
		r.FailingStreak++
		if retries <= 0 {
			retries = DefaultHealthRetries
		}
		if r.FailingStreak >= retries {
			r.Status = HealthUnhealthy
		}
	}
}

// resolveHealth sets cfg.Healthcheck from the flags' request over the
// image's HEALTHCHECK (img, nil when the image has none): --health-cmd
// replaces the image's command, the other flags each replace one
// setting, and the defaults fill what neither gives.
func resolveHealth(cfg *Config, img *HealthConfig) {
	req := cfg.HealthRequest
	cfg.HealthRequest = HealthRequest{}
	if req.Disable {
		cfg.Healthcheck = &HealthConfig{Test: []string{"NONE"}}
		return
	}
	var h HealthConfig
	if img != nil {
		h = *img
		h.Test = append([]string(nil), img.Test...)
	}
	if req.Test != nil {
		h.Test = req.Test
	}
	if len(h.Test) == 0 || h.Test[0] == "NONE" {
		cfg.Healthcheck = nil
		return
	}
	set := func(dst *time.Duration, v *time.Duration, def time.Duration) {
		if v != nil {
			*dst = *v
		} else if *dst == 0 {
			*dst = def
		}
	}
	set(&h.Interval, req.Interval, DefaultHealthInterval)
	set(&h.Timeout, req.Timeout, DefaultHealthTimeout)
	set(&h.StartPeriod, req.StartPeriod, 0)
	if req.Retries != nil {
		h.Retries = *req.Retries
	} else if h.Retries == 0 {
		h.Retries = DefaultHealthRetries
	}
	cfg.Healthcheck = &h
}

// imageHealth is the image's HEALTHCHECK (nil: none, or no image).
func imageHealth(env Env, imageID string) *HealthConfig {
	if imageID == "" || env.Store == nil {
		return nil
	}
	hc, err := env.Store.ImageHealthcheck(imageID)
	if err != nil || hc == nil {
		return nil
	}
	return &HealthConfig{Test: hc.Test, StartPeriod: hc.StartPeriod, Interval: hc.Interval, Timeout: hc.Timeout, Retries: hc.Retries}
}
