package runtime

import (
	"slices"
	"testing"
	"time"
)

func dur(d time.Duration) *time.Duration { return &d }

func TestResolveHealth(t *testing.T) {
	img := &HealthConfig{Test: []string{"CMD", "/bin/true"}, Interval: 5 * time.Second, Timeout: 2 * time.Second, StartPeriod: time.Second, Retries: 4}
	three := 3
	for _, tc := range []struct {
		name string
		req  HealthRequest
		img  *HealthConfig
		want *HealthConfig
	}{
		{"none", HealthRequest{}, nil, nil},
		{"image", HealthRequest{}, img, img},
		{"flags over the image", HealthRequest{Interval: dur(time.Second), Retries: &three}, img,
			&HealthConfig{Test: img.Test, Interval: time.Second, Timeout: 2 * time.Second, StartPeriod: time.Second, Retries: 3}},
		{"command with defaults", HealthRequest{Test: []string{"CMD-SHELL", "true"}}, nil,
			&HealthConfig{Test: []string{"CMD-SHELL", "true"}, Interval: DefaultHealthInterval, Timeout: DefaultHealthTimeout, Retries: DefaultHealthRetries}},
		{"interval disabled", HealthRequest{Test: []string{"CMD-SHELL", "true"}, Interval: dur(0)}, nil,
			&HealthConfig{Test: []string{"CMD-SHELL", "true"}, Timeout: DefaultHealthTimeout, Retries: DefaultHealthRetries}},
		{"disabled", HealthRequest{Disable: true}, img, &HealthConfig{Test: []string{"NONE"}}},
		{"image says NONE", HealthRequest{}, &HealthConfig{Test: []string{"NONE"}}, nil},
	} {
		cfg := Config{}
		cfg.HealthRequest = tc.req
		resolveHealth(&cfg, tc.img)
		got := cfg.Healthcheck
		if (got == nil) != (tc.want == nil) || got != nil && (!slices.Equal(got.Test, tc.want.Test) ||
			got.Interval != tc.want.Interval || got.Timeout != tc.want.Timeout || got.StartPeriod != tc.want.StartPeriod || got.Retries != tc.want.Retries) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestHealthRecordApply(t *testing.T) {
	var r HealthRecord
	fail, ok := HealthLog{ExitCode: 1}, HealthLog{ExitCode: 0}
	r.apply(fail, 2, true)
	if r.Status != HealthStarting || r.FailingStreak != 0 {
		t.Fatalf("a failure in the start period: %+v", r)
	}
	r.apply(fail, 2, false)
	if r.Status != HealthStarting || r.FailingStreak != 1 {
		t.Fatalf("one failure of two: %+v", r)
	}
	r.apply(fail, 2, false)
	if r.Status != HealthUnhealthy || r.FailingStreak != 2 {
		t.Fatalf("two failures: %+v", r)
	}
	r.apply(ok, 2, false)
	if r.Status != HealthHealthy || r.FailingStreak != 0 {
		t.Fatalf("a success: %+v", r)
	}
	for i := 0; i < 10; i++ {
		r.apply(HealthLog{ExitCode: i}, 2, false)
	}
	if len(r.Log) != maxHealthLog || r.Log[maxHealthLog-1].ExitCode != 9 {
		t.Errorf("the log keeps the last %d: %+v", maxHealthLog, r.Log)
	}
}

func TestHealthRecordOfAnotherStart(t *testing.T) {
	start := time.Now().UTC()
	c := &Container{Dir: t.TempDir(), State: State{Status: StatusRunning, StartedAt: start}}
	c.Config.Healthcheck = &HealthConfig{Test: []string{"CMD-SHELL", "true"}}
	if h := c.Health(); h.Status != HealthStarting {
		t.Errorf("no record yet: %+v", h)
	}
	if err := writeHealth(c, HealthRecord{Status: HealthUnhealthy, FailingStreak: 3, StartedAt: start}); err != nil {
		t.Fatal(err)
	}
	if h := c.Health(); h.Status != HealthUnhealthy || h.FailingStreak != 3 {
		t.Errorf("the record: %+v", h)
	}
	c.State.StartedAt = start.Add(time.Second)
	if h := c.Health(); h.Status != HealthStarting || h.FailingStreak != 0 {
		t.Errorf("a record of the start before: %+v", h)
	}
	c.State.Status = StatusExited
	if h := c.Health(); h.Status != "" {
		t.Errorf("not running: %+v", h)
	}
}

func TestCappedBuffer(t *testing.T) {
	b := &cappedBuffer{max: 4}
	if n, err := b.Write([]byte("abcdef")); n != 6 || err != nil {
		t.Fatal(n, err)
	}
	_, _ = b.Write([]byte("gh"))
	if b.String() != "abcd" {
		t.Errorf("%q", b.String())
	}
	if got := healthArgs([]string{"CMD-SHELL", "echo hi"}); !slices.Equal(got, []string{"/bin/sh", "-c", "echo hi"}) {
		t.Errorf("%q", got)
	}
	if got := healthArgs([]string{"CMD", "ls", "/"}); !slices.Equal(got, []string{"ls", "/"}) {
		t.Errorf("%q", got)
	}
}
