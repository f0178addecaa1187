package runtime

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Process is one process of a container, as husk top shows it.
type Process struct {
	Pid     int
	UID     string
	State   string
	Command string
}

// Top lists the container's processes (as the runtime knows them).
func Top(ctx context.Context, env Env, c *Container) ([]Process, error) {
	if err := Refresh(env, c); err != nil {
		return nil, err
	}
	if !c.Alive() {
		return nil, fmt.Errorf("%w: %s", ErrNotRunning, c.Name)
	}
	// The processes in the init's pid namespace (the runtime's own "ps"
	// needs cgroups, which a rootless container may not have).
	nsOf := func(pid string) string {
		l, _ := os.Readlink("/proc/" + pid + "/ns/pid")
		return l
	}
	want := nsOf(strconv.Itoa(c.State.Pid))
	if want == "" {
		return nil, fmt.Errorf("read pid namespace of container %s", c.Name)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err == nil && nsOf(e.Name()) == want {
			pids = append(pids, pid)
		}
	}
	var procs []Process
	for _, pid := range pids {
		p := Process{Pid: pid}
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				f := strings.Fields(line)
				if len(f) >= 2 && f[0] == "Uid:" {
					p.UID = f[1]
				}
				if len(f) >= 2 && f[0] == "State:" {
					p.State = f[1]
				}
			}
		}
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil {
			p.Command = strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
		}
		if p.Command == "" {
			p.Command = "[" + strconv.Itoa(pid) + "]"
		}
		procs = append(procs, p)
	}
	return procs, nil
}
