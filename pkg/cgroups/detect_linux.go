package cgroups

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Mode is how the host mounts cgroups.
type Mode string

const (
	ModeV2     Mode = "v2"
	ModeHybrid Mode = "hybrid"
	ModeV1     Mode = "v1"
)

// Manager is who creates a container's cgroup.
type Manager string

const (
	// ManagerSystemd: the OCI runtime asks systemd for a transient scope.
	ManagerSystemd Manager = "systemd"
	// ManagerCgroupfs: a directory in the cgroup tree delegated to husk.
	ManagerCgroupfs Manager = "cgroupfs"
)

// Info is what the host offers the invoking user.
type Info struct {
	Mode Mode `json:"mode"`
	// Mount is where the cgroup v2 hierarchy is mounted ("" when none).
	Mount string `json:"mount,omitempty"`
	// Own is the invoking process's cgroup v2 path (relative to Mount).
	Own string `json:"own,omitempty"`
	// Delegated is the topmost cgroup, Own or an ancestor, the user may
	// manage (create children, move processes); "" when none.
	Delegated string `json:"delegated,omitempty"`
	// Controllers are the cgroup v2 controllers available to the
	// container cgroups husk creates (see Manager).
	Controllers []string `json:"controllers"`
	// SubtreeControl are the controllers enabled below Delegated.
	SubtreeControl []string `json:"subtreeControl"`
	// V1Controllers are controllers mounted as cgroup v1 hierarchies.
	V1Controllers []string `json:"v1Controllers,omitempty"`
	// Systemd reports whether a systemd manager for the user is reachable.
	Systemd bool `json:"systemd"`
	// SystemdNote says why not (or which manager) for husk info.
	SystemdNote string `json:"systemdNote,omitempty"`
	// Manager is the cgroup manager husk uses.
	Manager Manager `json:"manager"`
	// Rootless: husk runs as an unprivileged user.
	Rootless bool `json:"rootless"`
	// UID is the user's id on the host.
	UID int `json:"uid"`

	// sys is where Check looks for the kernel's interface files (nil:
	// Check trusts the controllers alone).
	sys *sysPaths
}

// sysPaths are where the kernel's files are read (a fake tree in tests).
type sysPaths struct {
	cgroup string // the parent of the cgroup v1 hierarchies
	block  string // the block devices, for their I/O schedulers
	online string // the list of online CPUs
}

var hostSys = &sysPaths{cgroup: "/sys/fs/cgroup", block: "/sys/block", online: "/sys/devices/system/cpu/online"}

// schedulers lists the I/O schedulers the kernel offers its block devices.
func (p *sysPaths) schedulers() []string {
	files, _ := filepath.Glob(filepath.Join(p.block, "*", "queue", "scheduler"))
	var out []string
	for _, f := range files {
		for _, s := range readFields(f) {
			s = strings.Trim(s, "[]")
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

func (p *sysPaths) onlineCPUs() string {
	b, err := os.ReadFile(p.online)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// missingFiles lists the interface files of LimitFiles, for the
// controllers ctrls, that a container's cgroup will not have. It looks in
// a cgroup below the hierarchy's root where one exists (some files exist
// only there), and otherwise infers from what the kernel offers; a file it
// cannot tell about is not listed.
func (p *sysPaths) missingFiles(info Info, ctrls []string) []string {
	v1, v2 := LimitFiles()
	files, present := v1, p.v1File
	if info.filesV2() {
		files, present = v2, func(ctrl, f string) (bool, bool) { return p.v2File(info, ctrl, f) }
	}
	var out []string
	for _, f := range files {
		ctrl, _, _ := strings.Cut(f, ".")
		if ctrl == "blkio" {
			ctrl = "io"
		}
		if !slices.Contains(ctrls, ctrl) {
			continue
		}
		if ok, known := present(ctrl, f); known && !ok {
			out = append(out, f)
		}
	}
	return out
}

// v1File reports whether a container's cgroup in a cgroup v1 hierarchy
// has file, and whether that could be told.
func (p *sysPaths) v1File(ctrl, file string) (present, known bool) {
	root := filepath.Join(p.cgroup, v1Name(ctrl))
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return false, false
	}
	if dir := childCgroup(root, "husk", ""); dir != "" {
		return exists(filepath.Join(dir, file)), true
	}
	switch file {
	case "blkio.bfq.weight":
		return p.inferScheduler("bfq")
	case "blkio.weight":
		return p.inferScheduler("cfq")
	case "pids.max":
		return false, false
	}
	return exists(filepath.Join(root, file)), true
}

// v2File is v1File for the cgroup v2 hierarchy.
func (p *sysPaths) v2File(info Info, ctrl, file string) (present, known bool) {
	if info.Mount == "" || info.Delegated == "" {
		return false, false
	}
	var dir string
	if info.Delegated != "/" {
		// A delegated cgroup has the files of the controllers its parent
		// gives it, as the containers' cgroups below it will.
		if d := filepath.Join(info.Mount, info.Delegated); slices.Contains(readFields(filepath.Join(d, "cgroup.controllers")), ctrl) {
			dir = d
		}
	} else {
		dir = childCgroup(info.Mount, "husk", ctrl)
	}
	if dir != "" {
		return exists(filepath.Join(dir, file)), true
	}
	switch file {
	case "io.bfq.weight":
		return p.inferScheduler("bfq")
	case "io.weight":
		// io.cost (blk-iocost) shows io.cost.qos in the root.
		return exists(filepath.Join(info.Mount, "io.cost.qos")), info.Delegated == "/"
	}
	return false, false
}

// inferScheduler reports whether the kernel offers an I/O scheduler (and
// with it the cgroup files it registers).
func (p *sysPaths) inferScheduler(name string) (present, known bool) {
	s := p.schedulers()
	return slices.Contains(s, name), len(s) > 0
}

// childCgroup is a cgroup directly below root: prefer first, else any;
// with ctrl set, only one that has the controller.
func childCgroup(root, first, ctrl string) string {
	ok := func(d string) bool {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() {
			return false
		}
		return ctrl == "" || slices.Contains(readFields(filepath.Join(d, "cgroup.controllers")), ctrl)
	}
	if d := filepath.Join(root, first); ok(d) {
		return d
	}
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		if d := filepath.Join(root, e.Name()); e.IsDir() && ok(d) {
			return d
		}
	}
	return ""
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Detect reads the host's cgroup set-up for a user with host uid uid.
// rootless is whether husk runs unprivileged. manager forces a cgroup
// manager ("" chooses: systemd when reachable on a cgroup v2 host).
func Detect(rootless bool, uid int, runtimeDir string, manager Manager) (Info, error) {
	info := Info{Rootless: rootless, UID: uid, Controllers: []string{}, SubtreeControl: []string{}, sys: hostSys}
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err != nil {
		return info, fmt.Errorf("statfs /sys/fs/cgroup: %w", err)
	}
	switch {
	case st.Type == unix.CGROUP2_SUPER_MAGIC:
		info.Mode, info.Mount = ModeV2, "/sys/fs/cgroup"
	default:
		info.Mode = ModeV1
		if err := unix.Statfs("/sys/fs/cgroup/unified", &st); err == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
			info.Mode, info.Mount = ModeHybrid, "/sys/fs/cgroup/unified"
		}
		info.V1Controllers = v1Controllers()
	}
	info.Systemd, info.SystemdNote = systemdReachable(rootless, runtimeDir)
	switch manager {
	case "":
		info.Manager = ManagerCgroupfs
		if info.Systemd && info.Mode == ModeV2 {
			info.Manager = ManagerSystemd
		}
	case ManagerSystemd:
		if !info.Systemd {
			return info, fmt.Errorf("--cgroup-manager=systemd: %s; use --cgroup-manager=cgroupfs", info.SystemdNote)
		}
		info.Manager = manager
	case ManagerCgroupfs:
		info.Manager = manager
	default:
		return info, fmt.Errorf("unknown cgroup manager %q: use systemd or cgroupfs", manager)
	}
	if info.Mount == "" {
		return info, nil
	}
	own, err := ownCgroup("/proc/self/cgroup")
	if err != nil {
		return info, err
	}
	info.Own = own
	switch {
	case !rootless:
		info.Delegated = "/"
	case info.Manager == ManagerSystemd:
		info.Delegated = fmt.Sprintf("/user.slice/user-%d.slice/user@%d.service", uid, uid)
	default:
		info.Delegated = topWritable(info.Mount, own)
	}
	if info.Delegated != "" {
		dir := filepath.Join(info.Mount, info.Delegated)
		info.Controllers = readFields(filepath.Join(dir, "cgroup.controllers"))
		info.SubtreeControl = readFields(filepath.Join(dir, "cgroup.subtree_control"))
	}
	return info, nil
}

// ownCgroup returns the cgroup v2 path in a /proc/PID/cgroup file.
func ownCgroup(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "0::"); ok {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s has no cgroup v2 entry", path)
}

// PidCgroup returns the cgroup v2 path of a process.
func PidCgroup(pid int) (string, error) {
	return ownCgroup(filepath.Join("/proc", strconv.Itoa(pid), "cgroup"))
}

// writable reports whether the caller may create children of dir and
// move processes into and out of it.
func writable(dir string) bool {
	return unix.Access(dir, unix.W_OK) == nil && unix.Access(filepath.Join(dir, "cgroup.procs"), unix.W_OK) == nil
}

// topWritable walks up from own while the user may manage the cgroup.
func topWritable(mount, own string) string {
	if !writable(filepath.Join(mount, own)) {
		return ""
	}
	top := own
	for p := own; p != "/" && p != "."; {
		p = filepath.Dir(p)
		if p == "/" || !writable(filepath.Join(mount, p)) {
			break
		}
		top = p
	}
	return top
}

func readFields(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return []string{}
	}
	return strings.Fields(string(b))
}

// v1Controllers lists the controllers mounted as cgroup v1 hierarchies.
func v1Controllers() []string {
	var out []string
	for _, c := range []string{"cpu", "cpuset", "memory", "pids", "blkio"} {
		var st unix.Statfs_t
		if unix.Statfs(filepath.Join("/sys/fs/cgroup", c), &st) == nil && st.Type == unix.CGROUP_SUPER_MAGIC {
			out = append(out, c)
		}
	}
	return out
}

// systemdReachable reports whether systemd runs the host and, rootless,
// whether the user's manager answers on its socket.
func systemdReachable(rootless bool, runtimeDir string) (bool, string) {
	if fi, err := os.Stat("/run/systemd/system"); err != nil || !fi.IsDir() {
		return false, "systemd is not the init system"
	}
	if !rootless {
		return true, "system manager"
	}
	if runtimeDir == "" {
		return false, "no XDG_RUNTIME_DIR, so no user manager to reach"
	}
	for _, s := range []string{"systemd/private", "bus"} {
		p := filepath.Join(runtimeDir, s)
		if c, err := net.Dial("unix", p); err == nil {
			c.Close()
			return true, "user manager at " + p
		}
	}
	return false, "no systemd user manager answers in " + runtimeDir + " (no login session, or lingering off: loginctl enable-linger)"
}

// CanEnter reports whether this process may start a process in dir, a
// cgroup v2 directory under mount: the kernel moves a process only for a
// writer of the cgroup.procs of dir and of the nearest cgroup holding both
// dir and the writer's own cgroup (own, relative to mount). When it may
// not, it returns the cgroup that forbids it.
func CanEnter(mount, own, dir string) (bool, string) {
	for _, d := range []string{dir, commonAncestor(filepath.Join(mount, own), dir)} {
		if unix.Access(filepath.Join(d, "cgroup.procs"), unix.W_OK) != nil {
			return false, d
		}
	}
	return true, ""
}

// commonAncestor is the deepest directory holding both a and b (clean,
// absolute paths).
func commonAncestor(a, b string) string {
	as, bs := strings.Split(filepath.Clean(a), "/"), strings.Split(filepath.Clean(b), "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	if n <= 1 {
		return "/"
	}
	return strings.Join(as[:n], "/")
}
