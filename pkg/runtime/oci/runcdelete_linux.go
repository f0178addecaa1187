package oci

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/husk-dev/husk/pkg/runtime/internal/proc"
)

// deleteStopped removes the state of a runc container whose init process
// has exited and been reaped, doing in-process what "runc delete" does for
// a stopped container (remove the cgroups runc recorded, then the state
// directory): that spares a runtime execution (~10 ms) on every --rm.
// Anything it cannot vouch for (another runtime, hooks to run, no pid
// namespace of its own, a live init, a cgroup that will not go, a systemd
// scope to stop) it leaves to the runtime's own delete, returning false.
//
// keepCgroup, when not "", is the cgroup husk made for the container and
// removes itself (with retries while the kernel lets go of the last
// processes); it is left alone here.
func (r *CLI) deleteStopped(id, keepCgroup string) bool {
	if r.name != "runc" || slices.Contains(r.flags, "--systemd-cgroup") {
		return false
	}
	return runcStoppedCleanup(filepath.Join(r.root, id), keepCgroup)
}

// runcState is the part of runc's state.json that deleting a stopped
// container depends on.
type runcState struct {
	InitPid     int               `json:"init_process_pid"`
	InitStart   uint64            `json:"init_process_start"`
	CgroupPaths map[string]string `json:"cgroup_paths"`
	Config      struct {
		Namespaces []struct {
			Type string `json:"type"`
			Path string `json:"path"`
		} `json:"namespaces"`
		Hooks map[string]json.RawMessage `json:"Hooks"`
	} `json:"config"`
}

// runcStoppedCleanup removes a stopped runc container's cgroups and state
// directory; false means it did not (or not all), and runc must.
func runcStoppedCleanup(dir, ownCgroup string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return errors.Is(err, os.ErrNotExist) && !exists(dir)
	}
	var st runcState
	if json.Unmarshal(b, &st) != nil {
		return false
	}
	for _, h := range st.Config.Hooks {
		if s := strings.TrimSpace(string(h)); s != "null" && s != "[]" && s != "" {
			return false
		}
	}
	ownPid := false
	for _, ns := range st.Config.Namespaces {
		ownPid = ownPid || ns.Type == "NEWPID" && ns.Path == ""
	}
	// Without a pid namespace of its own, processes may outlive the init;
	// runc delete --force kills them.
	if !ownPid || st.InitPid <= 0 || proc.StartTicks(st.InitPid) == st.InitStart {
		return false
	}
	for _, p := range st.CgroupPaths {
		if p == "" || filepath.Clean(p) == filepath.Clean(ownCgroup) {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return false
		}
	}
	return os.RemoveAll(dir) == nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
