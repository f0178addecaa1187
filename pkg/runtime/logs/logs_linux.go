package logs

import (
	"context"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
)

// ParseSince reads a "since" value: a duration back from now (10m) or an
// RFC 3339 time; "" is the zero time (the whole log).
func ParseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, setting.Errorf("invalid {since} %q: use a duration (10m) or an RFC 3339 time", s)
}

// StopGrace is how long Follow may take to return once ctx ends.
// FollowLog stops at its next read, but a write to a pipe whose reader
// stopped reading blocks; past the grace Follow returns and the process
// exits with the write pending.
const StopGrace = time.Second

// Follow prints c's log as o says; it returns FollowLog's error, or nil
// when ctx ended and FollowLog has not returned within StopGrace.
func Follow(ctx context.Context, env runtime.Env, c *runtime.Container, o runtime.LogOptions) error {
	done := make(chan error, 1)
	go func() { done <- runtime.FollowLog(ctx, env, c, o) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	select {
	case err := <-done:
		return err
	case <-time.After(StopGrace):
		return nil
	}
}
