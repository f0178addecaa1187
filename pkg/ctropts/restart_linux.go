package ctropts

import (
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
)

// ParseRestart reads --restart: no, on-failure[:N], always or
// unless-stopped ("": none given), refusing what podman 4.3.1 refuses.
func ParseRestart(s string) (runtime.RestartPolicy, error) {
	if s == "" {
		return runtime.RestartPolicy{}, nil
	}
	name, count, hasCount := strings.Cut(s, ":")
	p := runtime.RestartPolicy{Name: name}
	switch name {
	case runtime.RestartNo, runtime.RestartOnFailure, runtime.RestartAlways, runtime.RestartUnlessStopped:
	default:
		return p, setting.Errorf("{restart} %q is not a valid restart policy: use no, on-failure[:N], always or unless-stopped", s)
	}
	if !hasCount {
		return p, nil
	}
	if name != runtime.RestartOnFailure {
		return p, setting.Errorf("{restart} %q: restart policy retries can only be specified with on-failure", s)
	}
	n, err := strconv.Atoi(count)
	if err != nil {
		return p, setting.Errorf("{restart} %q: parsing restart policy retry count: %w", s, err)
	}
	if n < 0 {
		// podman 4.3.1's words; 0, as no count, is no bound.
		return p, setting.Errorf("{restart} %q: must specify restart policy retry count as a number greater than 0", s)
	}
	p.MaxRetries = uint(n)
	return p, nil
}

// restart checks --restart against --rm, as podman: a container removed
// when it exits cannot be restarted.
func restart(cfg *runtime.Config, s string) error {
	p, err := ParseRestart(s)
	if err != nil {
		return err
	}
	if p.Restarts() && cfg.Remove {
		return setting.Errorf("{rm} conflicts with {restart} %s: a container removed when it exits cannot be restarted; drop one of them (or use {restart} no)", p)
	}
	cfg.Restart = p
	return nil
}

// CheckRestartForeground refuses a restart policy for a run in the
// foreground: husk restarts only a detached container (its monitor
// does), where podman 4.3.1 returns the first exit's code and goes on
// restarting the container in the background.
func CheckRestartForeground(cfg runtime.Config, foreground bool) error {
	if foreground && cfg.Restart.Restarts() {
		return setting.Errorf("{restart} %s is for a detached container: run it with {-detach} (husk restarts only what its monitor runs)", cfg.Restart)
	}
	return nil
}
