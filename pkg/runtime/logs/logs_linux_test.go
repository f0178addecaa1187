package logs

import (
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"": {}, "10m": now.Add(-10 * time.Minute), "1h30m": now.Add(-90 * time.Minute),
		"2026-01-01T00:00:00Z": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got, err := ParseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseSince("yesterday", now); err == nil || err.Error() != `invalid since "yesterday": use a duration (10m) or an RFC 3339 time` {
		t.Errorf("yesterday: %v", err)
	}
}
