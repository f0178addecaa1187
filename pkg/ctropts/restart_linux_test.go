package ctropts

import (
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

func TestParseRestart(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want runtime.RestartPolicy
		bad  bool
	}{
		{in: ""},
		{in: "no", want: runtime.RestartPolicy{Name: "no"}},
		{in: "always", want: runtime.RestartPolicy{Name: "always"}},
		{in: "unless-stopped", want: runtime.RestartPolicy{Name: "unless-stopped"}},
		{in: "on-failure", want: runtime.RestartPolicy{Name: "on-failure"}},
		{in: "on-failure:0", want: runtime.RestartPolicy{Name: "on-failure"}},
		{in: "on-failure:5", want: runtime.RestartPolicy{Name: "on-failure", MaxRetries: 5}},
		{in: "on-failure:-1", bad: true},
		{in: "on-failure:x", bad: true},
		{in: "always:3", bad: true},
		{in: "no:1", bad: true},
		{in: "sometimes", bad: true},
		{in: "Always", bad: true},
	} {
		got, err := ParseRestart(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("ParseRestart(%q) = %+v, %v", tc.in, got, err)
		}
	}
}

func TestRestartWithRemove(t *testing.T) {
	for in, bad := range map[string]bool{"": false, "no": false, "always": true, "on-failure:2": true} {
		cfg := runtime.Config{Remove: true}
		if err := restart(&cfg, in); (err != nil) != bad {
			t.Errorf("--rm --restart %q: %v", in, err)
		}
	}
	if err := CheckRestartForeground(runtime.Config{Restart: runtime.RestartPolicy{Name: "always"}}, true); err == nil {
		t.Error("a foreground run with --restart always is accepted")
	}
	if err := CheckRestartForeground(runtime.Config{Restart: runtime.RestartPolicy{Name: "no"}}, true); err != nil {
		t.Errorf("a foreground run with --restart no: %v", err)
	}
}
