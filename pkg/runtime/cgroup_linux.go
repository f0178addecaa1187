package runtime

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// CgroupMode is how the host mounts cgroups.
type CgroupMode string

const (
	CgroupUnified CgroupMode = "v2"
	CgroupHybrid  CgroupMode = "hybrid"
	CgroupV1      CgroupMode = "v1"
)

// CgroupInfo is what husk knows about the invoking process's cgroup.
type CgroupInfo struct {
	Mode CgroupMode
	// V2Mount is where the cgroup2 hierarchy is mounted.
	V2Mount string
	// Path is the process's cgroup2 path, relative to V2Mount.
	Path string
	// Available are the controllers in Path's cgroup.controllers.
	Available []string
	// Writable reports whether the user may create child cgroups there.
	Writable bool
}

// DetectCgroups reads the mounts and /proc/self/cgroup.
func DetectCgroups() (CgroupInfo, error) {
	var info CgroupInfo
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err != nil {
		return info, fmt.Errorf("statfs /sys/fs/cgroup: %w", err)
	}
	switch {
	case st.Type == unix.CGROUP2_SUPER_MAGIC:
		info.Mode, info.V2Mount = CgroupUnified, "/sys/fs/cgroup"
	default:
		info.Mode = CgroupV1
		if err := unix.Statfs("/sys/fs/cgroup/unified", &st); err == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
			info.Mode, info.V2Mount = CgroupHybrid, "/sys/fs/cgroup/unified"
		}
	}
	if info.V2Mount == "" {
		return info, nil
	}
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return info, fmt.Errorf("read /proc/self/cgroup: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "0::"); ok {
			info.Path = p
		}
	}
	dir := filepath.Join(info.V2Mount, info.Path)
	if b, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers")); err == nil {
		info.Available = strings.Fields(string(b))
	}
	info.Writable = unix.Access(dir, unix.W_OK) == nil && unix.Access(filepath.Join(dir, "cgroup.procs"), unix.W_OK) == nil
	return info, nil
}
