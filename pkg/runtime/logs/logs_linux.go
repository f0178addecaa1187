package logs

import (
	"context"
	"io"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
)

// timeLayouts are the times --since and --until take, as podman reads
// them (a time without zone is UTC).
var timeLayouts = []string{
	time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999",
	"2006-01-02Z07:00", "2006-01-02",
}

// Bound says which end of the log a time value bounds: a duration is
// counted back from now for Since and on from now for Until (podman
// 4.3.1 adds an --until duration to now, so "--until 10m" is ten minutes
// ahead, not ago; husk does the same so that scripts agree).
type Bound int

const (
	Since Bound = iota
	Until
)

// ParseTime reads a --since or --until value as podman does: an RFC 3339
// time or date, a Unix time in seconds (with a fraction), or a duration;
// "" is the zero time (no bound).
func ParseTime(s string, b Bound, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if b == Since {
			return now.Add(-d), nil
		}
		return now.Add(d), nil
	}
	flag := "{since}"
	if b == Until {
		flag = "{until}"
	}
	return time.Time{}, setting.Errorf("invalid "+flag+" %q: use a duration (10m), a Unix time or an RFC 3339 time", s)
}

// ParseSince is ParseTime for --since.
func ParseSince(s string, now time.Time) (time.Time, error) { return ParseTime(s, Since, now) }

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

// Naming is how the lines of several containers' logs say whose they are.
type Naming int

const (
	// ByID prefixes each line with the container's short ID (podman's
	// default).
	ByID Naming = iota
	// ByName prefixes each line with the container's name (--names).
	ByName
)

// Show prints the logs of the containers. The lines of one container's
// log are printed alone; those of several are prefixed with the
// container's short ID or name, as podman does. Without Follow the logs
// are printed one after the other; with Follow side by side, a line at a
// time each.
func Show(ctx context.Context, env runtime.Env, cs []*runtime.Container, naming Naming, o runtime.LogOptions) error {
	if len(cs) == 1 {
		return Follow(ctx, env, cs[0], o)
	}
	if !o.Follow {
		for _, c := range cs {
			co := o
			co.Prefix = prefix(c, naming)
			if err := Follow(ctx, env, c, co); err != nil {
				return err
			}
		}
		return nil
	}
	var mu sync.Mutex
	out := &lockedWriter{mu: &mu, w: o.Stdout}
	var errOut io.Writer
	if o.Stderr != nil {
		errOut = &lockedWriter{mu: &mu, w: o.Stderr}
	}
	errs := make(chan error, len(cs))
	for _, c := range cs {
		co := o
		co.Prefix, co.Stdout, co.Stderr = prefix(c, naming), out, errOut
		go func() { errs <- Follow(ctx, env, c, co) }()
	}
	var first error
	for range cs {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func prefix(c *runtime.Container, naming Naming) string {
	if naming == ByName {
		return c.Name
	}
	id := c.ID
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

// lockedWriter lets several followers write to one stream; each write is
// whole lines (a printer flushes at the end of what it has read).
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
