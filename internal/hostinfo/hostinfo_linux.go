package hostinfo

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

// Info is what husk info reports: podman's sections (Host, Store,
// Registries, Plugins, Version), then husk's own, where every missing
// piece carries a fix.
type Info struct {
	Host       HostInfo       `json:"host"`
	Store      Store          `json:"store"`
	Registries map[string]any `json:"registries"`
	Plugins    Plugins        `json:"plugins"`
	Version    Version        `json:"version"`
	UserNS     UserNS         `json:"userns"`
	Runtimes   []Tool         `json:"runtimes"`
	Cgroups    cgroups.Info   `json:"cgroups"`
	Network    []Tool         `json:"network"`
	// DefaultNetwork says what containers get without --network: the
	// bridge served by one helper for all, or (where the host cannot run
	// it) a helper per container, and why.
	DefaultNetwork string `json:"defaultNetwork"`
	// Transfers says where pull, push, save, load and login run: in
	// process, or in the transfer helper (its path).
	Transfers Tool `json:"transfers"`
	// Lingering says whether detached containers survive logout.
	Lingering string   `json:"lingering"`
	Fixes     []string `json:"fixes"`
}

// UserNS is the user namespace husk runs in.
type UserNS struct {
	Rootless bool   `json:"rootless"`
	Mapping  string `json:"mapping"`
	// PausePid is the process holding the namespace (0: none).
	PausePid int    `json:"pausePid"`
	UIDMap   string `json:"uidMap"`
	GIDMap   string `json:"gidMap"`
}

// Store is podman's store section; Driver, Images and Error are husk's
// keys of before.
type Store struct {
	ConfigFile         string            `json:"configFile"`
	ContainerStore     ContainerStore    `json:"containerStore"`
	GraphDriverName    string            `json:"graphDriverName"`
	GraphOptions       map[string]string `json:"graphOptions"`
	GraphRoot          string            `json:"graphRoot"`
	GraphRootAllocated uint64            `json:"graphRootAllocated"`
	GraphRootUsed      uint64            `json:"graphRootUsed"`
	GraphStatus        map[string]string `json:"graphStatus"`
	ImageCopyTmpDir    string            `json:"imageCopyTmpDir"`
	ImageStore         ImageStore        `json:"imageStore"`
	RunRoot            string            `json:"runRoot"`
	VolumePath         string            `json:"volumePath"`
	Driver             string            `json:"driver"`
	Images             int               `json:"images"`
	Error              string            `json:"error,omitempty"`
}

// Tool is a program husk uses, and what is wrong with it.
type Tool struct {
	Name    string `json:"name"`
	Path    string `json:"path,omitempty"`
	Version string `json:"version,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// Options are what Gather needs to know of husk's settings.
type Options struct {
	Version string
	// State is the user namespace husk decided on, RuntimeDir the user's
	// run directory.
	State      userns.State
	RuntimeDir string
	// Store is where the store is; OpenStore opens it (the caller's
	// settings decide how).
	Store     storage.Options
	OpenStore func() (*storage.Store, error)
	// VolumePath is where named volumes are.
	VolumePath string
	// Cgroups detects the cgroups as containers would get them.
	Cgroups func() (cgroups.Info, error)
	// Transfers says where image transfers run.
	Transfers Tool
	// Runtime is the OCI runtime the user chose ("" for the first found).
	Runtime string
}

// Gather checks the host: every program, permission and setting husk
// needs, each missing one with the fix.
//
// Long (~90 lines, complexity ~30) on purpose: a flat list of independent
// checks in the order info prints them, each an if and a fix.
func Gather(ctx context.Context, o Options) Info {
	info := Info{Version: NewVersion(o.Version), Fixes: []string{}}
	info.UserNS = UserNS{Rootless: o.State.Rootless, Mapping: o.State.Mapping.String(), UIDMap: readMap("/proc/self/uid_map"), GIDMap: readMap("/proc/self/gid_map")}
	if o.State.Rootless {
		info.UserNS.PausePid, _ = userns.PausePid(o.RuntimeDir)
	}
	if o.State.Mapping == userns.MappingSingle {
		info.Fixes = append(info.Fixes, fmt.Sprintf("single-id mapping (no subordinate ids): images with files of other owners lose them; as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s", currentUser()))
	}
	if o.State.Rootless {
		for _, tool := range []string{"newuidmap", "newgidmap"} {
			if _, err := exec.LookPath(tool); err != nil {
				info.Fixes = append(info.Fixes, tool+" not found: install the uidmap package (images with several owners need it)")
			}
		}
	}
	info.Store = newStore(o.Store)
	if o.VolumePath != "" {
		info.Store.VolumePath = o.VolumePath
	}
	if store, err := o.OpenStore(); err != nil {
		info.Store.Error = err.Error()
		info.Fixes = append(info.Fixes, "store: "+err.Error())
	} else {
		fillStore(&info.Store, store)
		store.Close()
	}
	if _, err := exec.LookPath("fuse-overlayfs"); err != nil && info.Store.Driver != "overlay" {
		info.Fixes = append(info.Fixes, "fuse-overlayfs not found: install the fuse-overlayfs package for overlay storage where native overlay is not allowed")
	}
	anyRuntime := false
	for _, r := range oci.FindRuntimes(ctx) {
		t := Tool{Name: r.Name, Path: r.Path, Version: r.Version}
		if r.Path == "" {
			t.Problem = "not installed (package " + r.Name + ")"
		} else {
			anyRuntime = true
		}
		info.Runtimes = append(info.Runtimes, t)
	}
	if !anyRuntime {
		info.Fixes = append(info.Fixes, "no OCI runtime found: install the crun or runc package")
	}
	cg, err := o.Cgroups()
	if err != nil {
		info.Fixes = append(info.Fixes, "cgroups: "+err.Error())
	}
	info.Cgroups = cg
	switch {
	case cg.Mode != cgroups.ModeV2 && o.State.Rootless:
		info.Fixes = append(info.Fixes, fmt.Sprintf("cgroups are %s: memory, cpu, cpuset, io and pids limits cannot be enforced for rootless containers (husk refuses them); boot with systemd.unified_cgroup_hierarchy=1 for cgroup v2", cg.Mode))
	case o.State.Rootless && cg.Delegated == "":
		info.Fixes = append(info.Fixes, "your cgroup "+cg.Own+" is not delegated to you: containers get no cgroup and limits are refused; "+cgroups.DelegateFix)
	}
	if o.State.Rootless && cg.Delegated != "" {
		var missing []string
		for _, c := range []string{"cpu", "cpuset", "io", "memory", "pids"} {
			if !slices.Contains(cg.Controllers, c) {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 && cg.Mode == cgroups.ModeV2 {
			info.Fixes = append(info.Fixes, "controllers not delegated to you: "+strings.Join(missing, " ")+" (limits that need them are refused); "+cgroups.DelegateFix)
		}
	}
	helperFound := false
	for _, h := range netns.FindHelpers() {
		t := Tool{Name: h.Name, Path: h.Path, Problem: h.Problem}
		if h.Path == "" {
			t.Problem = "not installed (package " + h.Package + ")"
		} else if h.Problem == "" {
			helperFound = true
		} else {
			info.Fixes = append(info.Fixes, h.Name+": "+h.Problem)
		}
		info.Network = append(info.Network, t)
	}
	info.Transfers = o.Transfers
	if info.Transfers.Problem != "" {
		info.Fixes = append(info.Fixes, info.Transfers.Problem)
	}
	info.Lingering = lingering(o.State.Rootless)
	if strings.HasPrefix(info.Lingering, "needed") {
		info.Fixes = append(info.Fixes, "detached containers stop when your last session ends: run 'loginctl enable-linger "+currentUser()+"' to keep them")
	}
	if !helperFound {
		info.Fixes = append(info.Fixes, "no usable network helper: install the passt (pasta) or slirp4netns package for private container networks")
	}
	info.DefaultNetwork = defaultNetwork(helperFound)
	if p := netns.DefaultNetworkProblem(); p != "" && helperFound {
		info.Fixes = append(info.Fixes, "default network: "+p+"; install the nftables package so that one helper serves all containers")
	}
	info.Host = hostOf(ctx, &info, o)
	info.Registries, info.Plugins = map[string]any{}, newPlugins()
	return info
}

// defaultNetwork describes the default network on this host.
func defaultNetwork(helperFound bool) string {
	if !helperFound {
		return "none (no usable network helper)"
	}
	if p := netns.DefaultNetworkProblem(); p != "" {
		return "private namespace per container (" + p + ")"
	}
	n := netns.DefaultNetwork()
	return fmt.Sprintf("bridge %s (%s), one helper for all containers", n.Name, n.Subnet)
}

func readMap(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(string(b), "\n", " ; ")), " ")
}

// WriteText prints the information for people.
func (info Info) WriteText(w io.Writer) {
	fmt.Fprintf(w, "husk %s\n", info.Version.Version)
	fmt.Fprintf(w, "user namespace:\n  rootless: %v\n  mapping: %s\n  uid map: %s\n  gid map: %s\n", info.UserNS.Rootless, info.UserNS.Mapping, info.UserNS.UIDMap, info.UserNS.GIDMap)
	if info.UserNS.PausePid > 0 {
		fmt.Fprintf(w, "  held by pause process: %d\n", info.UserNS.PausePid)
	}
	fmt.Fprintf(w, "store:\n  driver: %s\n  graph root: %s\n  run root: %s\n  images: %d\n", orDefault(info.Store.Driver, "unavailable"), info.Store.GraphRoot, info.Store.RunRoot, info.Store.Images)
	fmt.Fprintln(w, "OCI runtimes:")
	for _, r := range info.Runtimes {
		printTool(w, r)
	}
	cg := info.Cgroups
	fmt.Fprintf(w, "cgroups:\n  version: %s\n  own cgroup: %s\n  delegated to you: %s\n  controllers: %s\n  enabled below it: %s\n",
		cg.Mode, orDefault(cg.Own, "-"), orDefault(cg.Delegated, "none"), orDefault(strings.Join(cg.Controllers, " "), "none"), orDefault(strings.Join(cg.SubtreeControl, " "), "none"))
	if len(cg.V1Controllers) > 0 {
		fmt.Fprintf(w, "  cgroup v1 controllers: %s\n", strings.Join(cg.V1Controllers, " "))
	}
	fmt.Fprintf(w, "  systemd: %v (%s)\n  manager: %s\n", cg.Systemd, cg.SystemdNote, cg.Manager)
	fmt.Fprintln(w, "image transfers:")
	printTool(w, info.Transfers)
	fmt.Fprintf(w, "lingering: %s\n", info.Lingering)
	fmt.Fprintln(w, "network helpers:")
	for _, n := range info.Network {
		printTool(w, n)
	}
	fmt.Fprintf(w, "default network: %s\n", info.DefaultNetwork)
	if len(info.Fixes) > 0 {
		fmt.Fprintln(w, "to fix:")
		for _, f := range info.Fixes {
			fmt.Fprintf(w, "  - %s\n", f)
		}
	}
}

func printTool(w io.Writer, t Tool) {
	if t.Path == "" {
		fmt.Fprintln(w, strings.TrimSuffix("  "+t.Name+": "+t.Problem, ": "))
		return
	}
	line := "  " + t.Name + ": " + t.Path
	if t.Version != "" {
		line += " (" + t.Version + ")"
	}
	if t.Problem != "" {
		line += " — " + t.Problem
	}
	fmt.Fprintln(w, line)
}

// lingering tells whether systemd would end this user's processes, the
// containers' monitors included, when the last session closes.
func lingering(rootless bool) string {
	if !rootless {
		return "not needed (root)"
	}
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		return "not needed (no systemd: processes outlive the login session)"
	}
	if _, err := os.Stat(filepath.Join("/var/lib/systemd/linger", currentUser())); err == nil {
		return "enabled (containers survive logout)"
	}
	return "needed: without 'loginctl enable-linger', systemd stops your containers at logout"
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return strconv.Itoa(int(os.Getuid()))
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
