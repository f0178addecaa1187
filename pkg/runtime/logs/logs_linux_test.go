package logs

import (
	"strings"
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
	if _, err := ParseSince("yesterday", now); err == nil || err.Error() != `invalid since "yesterday": use a duration (10m), a Unix time or an RFC 3339 time` {
		t.Errorf("yesterday: %v", err)
	}
}

// The time values podman 4.3.1 takes for --since and --until; a duration
// counts back for --since and on for --until.
func TestParseTimeAsPodman(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		b    Bound
		want time.Time
	}{
		{"10m", Until, now.Add(10 * time.Minute)},
		{"2020-01-01", Until, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2020-01-01T10:11:12", Since, time.Date(2020, 1, 1, 10, 11, 12, 0, time.UTC)},
		{"1700000000", Since, time.Unix(1700000000, 0)},
		{"1700000000.5", Until, time.Unix(1700000000, 5e8)},
	} {
		if got, err := ParseTime(tc.in, tc.b, now); err != nil || !got.Equal(tc.want) {
			t.Errorf("%q: %v %v, want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"bogus", "2020-01-01T10:00", "NaN", "Inf"} {
		if _, err := ParseTime(bad, Until, now); err == nil || !strings.HasPrefix(err.Error(), "invalid until ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
