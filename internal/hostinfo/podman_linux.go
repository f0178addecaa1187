package hostinfo

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/runtime/spec"
	"github.com/husk-dev/husk/pkg/storage"
)

// NewVersion is husk's version v in podman's Version form.
func NewVersion(v string) Version {
	return Version{APIVersion: v, Version: v, GoVersion: goruntime.Version(), BuiltTime: "Thu Jan  1 00:00:00 1970",
		OsArch: goruntime.GOOS + "/" + goruntime.GOARCH, Os: goruntime.GOOS}
}

func newPlugins() Plugins {
	return Plugins{Volume: []string{"local"}, Network: []string{"bridge"}, Log: []string{"k8s-file"}}
}

func newStore(o storage.Options) Store {
	tmp := os.Getenv("TMPDIR")
	if tmp == "" {
		tmp = "/var/tmp"
	}
	return Store{GraphRoot: o.GraphRoot, RunRoot: o.RunRoot, GraphOptions: map[string]string{}, GraphStatus: map[string]string{},
		ImageCopyTmpDir: tmp, VolumePath: filepath.Join(o.GraphRoot, "volumes")}
}

// fillStore counts the store's images and containers (by their recorded
// state) and measures its file system.
func fillStore(st *Store, store *storage.Store) {
	st.Driver = string(store.Driver)
	st.GraphDriverName = st.Driver
	if imgs, err := store.Images(); err == nil {
		st.Images = len(imgs)
		st.ImageStore.Number = len(imgs)
	}
	if cs, err := runtime.List(store); err == nil {
		st.ContainerStore.Number = len(cs)
		for _, c := range cs {
			switch {
			case c.State.Status == runtime.StatusRunning && c.State.Paused:
				st.ContainerStore.Paused++
			case c.State.Status == runtime.StatusRunning:
				st.ContainerStore.Running++
			default:
				st.ContainerStore.Stopped++
			}
		}
	}
	var fs unix.Statfs_t
	if unix.Statfs(st.GraphRoot, &fs) == nil {
		st.GraphRootAllocated = fs.Blocks * uint64(fs.Bsize)
		st.GraphRootUsed = (fs.Blocks - fs.Bfree) * uint64(fs.Bsize)
	}
}

// hostOf is podman's host section, from what Gather found and the host.
func hostOf(ctx context.Context, info *Info, o Options) HostInfo {
	cg := info.Cgroups
	h := HostInfo{
		Arch: goruntime.GOARCH, CgroupManager: string(cg.Manager), CgroupsVersion: "v1",
		CgroupControllers: append([]string{}, cg.Controllers...), CPUs: goruntime.NumCPU(),
		CPUUtilization: cpuUsage(), Distribution: distribution(), EventLogger: "file", LogDriver: "k8s-file",
		NetworkBackend: "husk", OS: goruntime.GOOS, Linkmode: "dynamic",
		IDMappings: IDMappings{UIDMap: parseMap("/proc/self/uid_map"), GIDMap: parseMap("/proc/self/gid_map")},
		Security: SecurityInfo{
			DefaultCapabilities: strings.Join(spec.DefaultCapabilities, ","), Rootless: o.State.Rootless,
			SECCOMPEnabled: exists("/proc/sys/kernel/seccomp/actions_avail"), SELinuxEnabled: exists("/sys/fs/selinux/enforce"),
			AppArmorEnabled: apparmor(),
		},
	}
	if cg.Mode == cgroups.ModeV2 {
		h.CgroupsVersion = "v2"
	}
	if exe, err := os.Executable(); err == nil {
		h.Conmon = ConmonInfo{Path: exe, Version: "husk version " + info.Version.Version}
	}
	h.Hostname, _ = os.Hostname()
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		h.Kernel = unix.ByteSliceToString(u.Release[:])
	}
	mem := meminfo()
	h.MemFree, h.MemTotal, h.SwapFree, h.SwapTotal = mem["MemFree"], mem["MemTotal"], mem["SwapFree"], mem["SwapTotal"]
	h.OCIRuntime = ociRuntime(info.Runtimes, o)

	for _, n := range info.Network {
		if n.Name == "slirp4netns" && n.Path != "" {
			h.Slirp4NetNS = SlirpInfo{Executable: n.Path}
		}
	}
	h.Uptime = uptime()
	return h
}

// ociRuntime is the runtime containers get: the one the user chose, else
// the first found that has not refused this host (oci.Select's choice).
func ociRuntime(found []Tool, o Options) OCIRuntimeInfo {
	stateDir := filepath.Join(o.Store.RunRoot, "husk-runtime")
	for _, r := range found {
		if r.Path == "" {
			continue
		}
		if o.Runtime == r.Name || o.Runtime == r.Path || o.Runtime == "" && oci.Refusal(stateDir, r.Name) == "" {
			return OCIRuntimeInfo{Name: r.Name, Path: r.Path, Version: r.Version}
		}
	}
	return OCIRuntimeInfo{Name: o.Runtime}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func apparmor() bool {
	b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	return err == nil && strings.HasPrefix(string(b), "Y")
}

// parseMap reads a /proc uid_map or gid_map.
func parseMap(path string) []IDMap {
	out := []IDMap{}
	b, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		var m IDMap
		if n, _ := fmt.Sscan(line, &m.ContainerID, &m.HostID, &m.Size); n == 3 {
			out = append(out, m)
		}
	}
	return out
}

// meminfo is /proc/meminfo in bytes.
func meminfo() map[string]int64 {
	out := map[string]int64{}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		if len(fields) > 1 && fields[1] == "kB" {
			n *= 1024
		}
		out[k] = n
	}
	return out
}

// cpuUsage is the CPU time since boot by kind, as podman shows it.
func cpuUsage() CPUUsage {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return CPUUsage{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return CPUUsage{}
	}
	var v []float64
	total := 0.0
	for _, s := range f[1:] {
		n, _ := strconv.ParseFloat(s, 64)
		v = append(v, n)
		total += n
	}
	if total == 0 {
		return CPUUsage{}
	}
	pct := func(n float64) float64 { return float64(int(n/total*10000)) / 100 }
	return CPUUsage{UserPercent: pct(v[0] + v[1]), SystemPercent: pct(v[2]), IdlePercent: pct(v[3])}
}

// distribution is /etc/os-release's ID, VERSION_ID and VERSION_CODENAME.
func distribution() DistributionInfo {
	var d DistributionInfo
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return d
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, "=")
		v = strings.Trim(v, `"'`)
		switch k {
		case "ID":
			d.Distribution = v
		case "VERSION_ID":
			d.Version = v
		case "VERSION_CODENAME":
			d.Codename = v
		case "VARIANT_ID":
			d.Variant = v
		}
	}
	return d
}

// uptime is /proc/uptime as podman prints it.
func uptime() string {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	secs, _ := strconv.ParseFloat(f[0], 64)
	h := int(secs) / 3600
	m := int(secs) % 3600 / 60
	s := secs - float64(h*3600+m*60)
	return fmt.Sprintf("%dh %dm %.2fs (Approximately %.2f days)", h, m, s, secs/86400)
}
