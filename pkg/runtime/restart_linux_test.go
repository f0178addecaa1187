package runtime

import (
	"testing"
	"time"
)

func TestNextRestartDelay(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		prev, ran, want time.Duration
	}{
		{0, 0, 100 * ms},                  // the first restart
		{100 * ms, time.Second, 200 * ms}, // in a row: doubled
		{200 * ms, 0, 400 * ms},
		{25600 * ms, time.Second, 51200 * ms},
		{51200 * ms, time.Second, time.Minute}, // capped
		{time.Minute, time.Second, time.Minute},
		{time.Minute, 10 * time.Second, 100 * ms}, // ran 10 s: reset
		{400 * ms, time.Hour, 100 * ms},
	} {
		if got := nextRestartDelay(tc.prev, tc.ran); got != tc.want {
			t.Errorf("nextRestartDelay(%v, %v) = %v, want %v", tc.prev, tc.ran, got, tc.want)
		}
	}
	// The delays of consecutive quick crashes.
	var d time.Duration
	var seq []time.Duration
	for i := 0; i < 12; i++ {
		d = nextRestartDelay(d, 0)
		seq = append(seq, d)
	}
	if seq[0] != 100*ms || seq[1] != 200*ms || seq[9] != 51200*ms || seq[10] != time.Minute || seq[11] != time.Minute {
		t.Errorf("delays %v", seq)
	}
}

func TestRestartPolicyRestartsAfter(t *testing.T) {
	for _, tc := range []struct {
		p           RestartPolicy
		code, count int
		want        bool
	}{
		{RestartPolicy{}, 1, 0, false},
		{RestartPolicy{Name: RestartNo}, 1, 0, false},
		{RestartPolicy{Name: RestartAlways}, 0, 100, true},
		{RestartPolicy{Name: RestartUnlessStopped}, 0, 0, true},
		{RestartPolicy{Name: RestartOnFailure}, 0, 0, false},
		{RestartPolicy{Name: RestartOnFailure}, 1, 1000, true},
		{RestartPolicy{Name: RestartOnFailure, MaxRetries: 2}, 1, 1, true},
		{RestartPolicy{Name: RestartOnFailure, MaxRetries: 2}, 1, 2, false},
		{RestartPolicy{Name: RestartOnFailure, MaxRetries: 2}, -1, 0, true}, // exit code unknown
	} {
		if got := tc.p.restartsAfter(tc.code, tc.count); got != tc.want {
			t.Errorf("%+v.restartsAfter(%d, %d) = %v, want %v", tc.p, tc.code, tc.count, got, tc.want)
		}
	}
	if s := (RestartPolicy{Name: RestartOnFailure, MaxRetries: 3}).String(); s != "on-failure:3" {
		t.Errorf("String() = %q", s)
	}
}
