package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/husk-dev/husk/internal/setting"
)

// PidFiles are where a container's pids are written each time it starts
// (run and create --pidfile, --conmon-pidfile). As podman 4.3.1, the pid
// goes there without a newline and the files stay after the container
// stops or is removed.
type PidFiles struct {
	// PidFile receives the container's init pid.
	PidFile string `json:"pidFile,omitempty"`
	// ConmonPidFile receives, where podman writes conmon's pid, the pid
	// of the husk process that is the container's parent and records its
	// exit: a detached container's monitor, or husk itself for a run in
	// the foreground.
	ConmonPidFile string `json:"conmonPidFile,omitempty"`
}

// Abs makes the paths absolute: the monitor that writes them runs in
// another directory.
func (p PidFiles) Abs() (PidFiles, error) {
	for _, f := range []struct {
		name string
		path *string
	}{{"pidfile", &p.PidFile}, {"conmon-pidfile", &p.ConmonPidFile}} {
		if *f.path == "" {
			continue
		}
		abs, err := filepath.Abs(*f.path)
		if err != nil {
			return p, setting.Errorf("{"+f.name+"} %q: %w", *f.path, err)
		}
		*f.path = abs
	}
	return p, nil
}

// write writes pid and the monitor's pid to the files asked for.
func (p PidFiles) write(pid, monitor int) error {
	for _, f := range []struct {
		path string
		pid  int
	}{{p.PidFile, pid}, {p.ConmonPidFile, monitor}} {
		if f.path == "" {
			continue
		}
		if err := os.WriteFile(f.path, []byte(strconv.Itoa(f.pid)), 0o644); err != nil {
			return fmt.Errorf("write pid file: %w", err)
		}
	}
	return nil
}
