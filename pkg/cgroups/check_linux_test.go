package cgroups

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Hosts as Detect reports them.
var (
	rootlessV1 = Info{Mode: ModeV1, Rootless: true, Controllers: []string{},
		V1Controllers: []string{"cpu", "cpuset", "memory", "pids", "blkio"}}
	// This project's CI machine: hybrid, cgroup v2 without controllers,
	// a delegated subtree.
	rootlessHybrid = Info{Mode: ModeHybrid, Mount: "/sys/fs/cgroup/unified", Own: "/husk-delegate-u",
		Delegated: "/husk-delegate-u", Rootless: true, Controllers: []string{},
		V1Controllers: []string{"cpu", "cpuset", "memory", "pids", "blkio"}}
	rootlessV2NotDelegated = Info{Mode: ModeV2, Mount: "/sys/fs/cgroup", Own: "/user.slice/user-1000.slice/session-3.scope",
		Rootless: true, Controllers: []string{}}
	rootlessV2NoMemory = Info{Mode: ModeV2, Mount: "/sys/fs/cgroup", Own: "/user.slice/user-1000.slice/user@1000.service/app.slice",
		Delegated: "/user.slice/user-1000.slice/user@1000.service", Rootless: true,
		Controllers: []string{"cpu", "pids"}}
	rootlessV2All = Info{Mode: ModeV2, Mount: "/sys/fs/cgroup", Own: "/user.slice/user-1000.slice/user@1000.service/app.slice",
		Delegated: "/user.slice/user-1000.slice/user@1000.service", Rootless: true,
		Controllers: []string{"cpuset", "cpu", "io", "memory", "pids"}}
	rootHybrid = Info{Mode: ModeHybrid, Mount: "/sys/fs/cgroup/unified", Own: "/", Delegated: "/",
		Controllers: []string{}, V1Controllers: []string{"cpu", "cpuset", "memory", "pids", "blkio"}}
	rootV1NoPids = Info{Mode: ModeV1, Controllers: []string{}, V1Controllers: []string{"cpu", "memory"}}
	rootV2       = Info{Mode: ModeV2, Mount: "/sys/fs/cgroup", Own: "/", Delegated: "/",
		Controllers: []string{"cpuset", "cpu", "io", "memory", "pids"}}
	rootV2NoIO = Info{Mode: ModeV2, Mount: "/sys/fs/cgroup", Own: "/", Delegated: "/",
		Controllers: []string{"cpu", "memory", "pids"}}
)

// one resource per flag, each valid on its own.
var perFlag = map[string]Resources{
	"--memory":             {Memory: 64 << 20},
	"--memory-reservation": {MemoryReservation: 32 << 20},
	"--cpus":               {CPUs: 1},
	"--cpu-shares":         {CPUShares: 512},
	"--cpu-weight":         {CPUWeight: 50},
	"--cpuset-cpus":        {CpusetCpus: "0"},
	"--pids-limit":         {PidsLimit: 10},
	"--blkio-weight":       {BlkioWeight: 100},
}

var flagController = map[string]string{
	"--memory": "memory", "--memory-reservation": "memory", "--cpus": "cpu", "--cpu-shares": "cpu",
	"--cpu-weight": "cpu", "--cpuset-cpus": "cpuset", "--pids-limit": "pids", "--blkio-weight": "io",
}

func wantAll(t *testing.T, what string, err error, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: Check = nil, want an error containing %q", what, subs)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%s: Check = %q\nwant it to contain %q", what, err, s)
		}
	}
}

func TestCheckNoLimitsAlwaysPasses(t *testing.T) {
	for _, info := range []Info{rootlessV1, rootlessHybrid, rootlessV2NotDelegated, rootlessV2NoMemory, rootV1NoPids, {}} {
		if err := info.Check(Resources{}, false); err != nil {
			t.Errorf("Check(no limits) on %+v = %v", info, err)
		}
		if err := info.Check(Resources{}, true); err != nil {
			t.Errorf("Check(no limits, --cgroups=disabled) on %+v = %v", info, err)
		}
	}
}

func TestCheckRootlessV1(t *testing.T) {
	for flag, r := range perFlag {
		err := rootlessV1.Check(r, false)
		wantAll(t, flag, err, flag+" needs the "+flagController[flag]+" cgroup controller",
			"only cgroup v1", "unprivileged users cannot have cgroups",
			"systemd.unified_cgroup_hierarchy=1", "or run without "+flag)
	}
}

func TestCheckRootlessHybridControllerInV1Only(t *testing.T) {
	for flag, r := range perFlag {
		err := rootlessHybrid.Check(r, false)
		wantAll(t, flag, err, flag+" needs the "+flagController[flag]+" cgroup controller",
			"cgroup v1 only (hybrid mode", "/sys/fs/cgroup/unified offers no controllers",
			"systemd.unified_cgroup_hierarchy=1", "Delegate=cpu cpuset io memory pids",
			"/etc/systemd/system/user@.service.d/delegate.conf", "or run without "+flag)
	}
}

func TestCheckRootlessHybridControllerNowhere(t *testing.T) {
	// A hybrid host without a v1 pids hierarchy: the message must not
	// claim the controller is mounted in v1.
	info := rootlessHybrid
	info.V1Controllers = []string{"cpu", "memory"}
	err := info.Check(Resources{PidsLimit: 5}, false)
	wantAll(t, "pids missing everywhere", err, "--pids-limit needs the pids cgroup controller",
		"Delegate=cpu cpuset io memory pids")
	if strings.Contains(err.Error(), "mounts in cgroup v1 only") {
		t.Errorf("the message says pids is in cgroup v1, which it is not: %q", err)
	}
}

func TestCheckRootlessV2NotDelegated(t *testing.T) {
	err := rootlessV2NotDelegated.Check(Resources{Memory: 64 << 20}, false)
	wantAll(t, "not delegated", err, "--memory needs the memory cgroup controller",
		"no cgroup is delegated to you", "/user.slice/user-1000.slice/session-3.scope",
		"Delegate=cpu cpuset io memory pids", "or run without --memory")
}

func TestCheckRootlessV2DelegatedWithoutController(t *testing.T) {
	err := rootlessV2NoMemory.Check(Resources{Memory: 64 << 20}, false)
	wantAll(t, "memory not delegated", err, "--memory needs the memory cgroup controller",
		"not delegated to your cgroup /user.slice/user-1000.slice/user@1000.service",
		"it offers cpu pids", "Delegate=cpu cpuset io memory pids", "or run without --memory")
	// The first missing one is named, even after ones that are there.
	err = rootlessV2NoMemory.Check(Resources{CPUs: 1, PidsLimit: 5, BlkioWeight: 100}, false)
	wantAll(t, "io not delegated", err, "--blkio-weight needs the io cgroup controller")
	if err := rootlessV2NoMemory.Check(Resources{CPUs: 1, PidsLimit: 5}, false); err != nil {
		t.Errorf("cpu and pids are delegated, yet Check = %v", err)
	}
}

func TestCheckRootlessV2WithControllers(t *testing.T) {
	for flag, r := range perFlag {
		if err := rootlessV2All.Check(r, false); err != nil {
			t.Errorf("%s with every controller delegated: Check = %v", flag, err)
		}
	}
	all := Resources{Memory: 64 << 20, MemorySwap: 128 << 20, CPUs: 1, CPUWeight: 50, CpusetCpus: "0", PidsLimit: 5, BlkioWeight: 100}
	if err := rootlessV2All.Check(all, false); err != nil {
		t.Errorf("every limit with every controller delegated: Check = %v", err)
	}
}

func TestCheckRoot(t *testing.T) {
	for flag, r := range perFlag {
		if err := rootHybrid.Check(r, false); err != nil {
			t.Errorf("%s as root on a hybrid host with the v1 controller: Check = %v", flag, err)
		}
		if err := rootV2.Check(r, false); err != nil {
			t.Errorf("%s as root on cgroup v2: Check = %v", flag, err)
		}
	}
	err := rootV1NoPids.Check(Resources{PidsLimit: 5}, false)
	wantAll(t, "root v1 without pids", err, "--pids-limit needs the pids cgroup controller",
		"this host does not offer (cgroup v1)", "run without --pids-limit")
	if err := rootV1NoPids.Check(Resources{Memory: 64 << 20}, false); err != nil {
		t.Errorf("root v1 with memory: Check = %v", err)
	}
	// io is called blkio in cgroup v1.
	if err := rootHybrid.Check(Resources{BlkioWeight: 100}, false); err != nil {
		t.Errorf("root hybrid with blkio in v1: --blkio-weight refused: %v", err)
	}
	// On cgroup v2 only the v2 controllers count.
	err = rootV2NoIO.Check(Resources{BlkioWeight: 100}, false)
	wantAll(t, "root v2 without io", err, "--blkio-weight needs the io cgroup controller", "(cgroup v2)")
}

func TestCheckDisabledWithLimit(t *testing.T) {
	for _, info := range []Info{rootlessV2All, rootV2, rootlessHybrid} {
		err := info.Check(Resources{PidsLimit: 5}, true)
		wantAll(t, "--cgroups=disabled", err, "--pids-limit needs a cgroup", "--cgroups=disabled")
	}
}

func TestPlan(t *testing.T) {
	id := strings.Repeat("ab", 32)
	r := Resources{PidsLimit: 5}
	p, err := rootHybrid.Plan(id, r, false)
	if err != nil || p.SpecPath != "/husk/"+id || p.Dir != "" || p.Systemd || p.SpawnInto ||
		p.Resources == nil || *p.Resources.Pids.Limit != 5 {
		t.Errorf("root cgroupfs plan = %+v, %v; want SpecPath /husk/%s with the pids limit", p, err, id)
	}
	sd := rootV2
	sd.Manager = ManagerSystemd
	if p, err := sd.Plan(id, r, false); err != nil || p.SpecPath != "machine.slice:husk:"+id || !p.Systemd {
		t.Errorf("root systemd plan = %+v, %v", p, err)
	}
	// Rootless with a user manager: the runtime asks systemd for a scope
	// in the user's slice; husk makes no directory itself.
	usd := rootlessV2All
	usd.Manager = ManagerSystemd
	if p, err := usd.Plan(id, r, false); err != nil || p.SpecPath != "user.slice:husk:"+id || !p.Systemd || p.Dir != "" ||
		p.Resources == nil || *p.Resources.Pids.Limit != 5 {
		t.Errorf("rootless systemd plan = %+v, %v; want a user.slice scope with the pids limit", p, err)
	}
	if p, err := rootV2.Plan(id, r, true); err != nil || p.SpecPath != "" || p.Dir != "" || p.Resources != nil {
		t.Errorf("--cgroups=disabled plan = %+v, %v; want none", p, err)
	}
	if p, err := rootlessV2NotDelegated.Plan(id, Resources{}, false); err != nil || p.SpecPath != "" || p.Dir != "" {
		t.Errorf("rootless without a delegated cgroup: plan = %+v, %v; want none", p, err)
	}

	// Rootless cgroupfs: husk creates <delegated>/husk-<id> itself.
	mount := t.TempDir()
	if err := os.MkdirAll(filepath.Join(mount, "deleg"), 0o755); err != nil {
		t.Fatal(err)
	}
	hy := Info{Mode: ModeHybrid, Mount: mount, Own: "/deleg", Delegated: "/deleg", Rootless: true, Controllers: []string{}}
	p, err = hy.Plan(id, Resources{}, false)
	want := filepath.Join(mount, "deleg", "husk-"+id)
	if err != nil || p.Dir != want || !p.SpawnInto || p.SpecPath != "" || p.Resources != nil {
		t.Errorf("rootless hybrid plan = %+v, %v; want Dir %s, SpawnInto, no spec path", p, err, want)
	}
	if fi, err := os.Stat(want); err != nil || !fi.IsDir() {
		t.Errorf("Plan did not create %s: %v", want, err)
	}
	v2 := hy
	v2.Mode = ModeV2
	id2 := strings.Repeat("cd", 32)
	p, err = v2.Plan(id2, Resources{}, false)
	if err != nil || p.Dir != filepath.Join(mount, "deleg", "husk-"+id2) || p.SpawnInto || p.SpecPath != "/deleg/husk-"+id2 {
		t.Errorf("rootless v2 plan = %+v, %v; want the runtime told /deleg/husk-%s", p, err, id2)
	}
}

func TestCommonAncestor(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"/sys/fs/cgroup/user/a", "/sys/fs/cgroup/user/b/c", "/sys/fs/cgroup/user"},
		{"/sys/fs/cgroup/x", "/sys/fs/cgroup/x", "/sys/fs/cgroup/x"},
		{"/sys/fs/cgroup/x", "/sys/fs/cgroup/x/y", "/sys/fs/cgroup/x"},
		{"/sys/fs/cgroup/xy", "/sys/fs/cgroup/x/y", "/sys/fs/cgroup"},
		{"/a", "/b", "/"},
	} {
		if got := commonAncestor(c.a, c.b); got != c.want {
			t.Errorf("commonAncestor(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

// A cgroup tree in a temporary directory: only the modes matter to
// CanEnter (root reads past them, so the test needs another user).
func TestCanEnter(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write every file; CanEnter's refusal needs an unprivileged user (the bats suite covers exec from a foreign cgroup)")
	}
	mount := t.TempDir()
	for _, d := range []string{"deleg/ctr", "deleg/shell", "foreign"} {
		if err := os.MkdirAll(filepath.Join(mount, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"deleg", "deleg/ctr", "deleg/shell"} {
		if err := os.WriteFile(filepath.Join(mount, d, "cgroup.procs"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(mount, "cgroup.procs"), nil, 0o444); err != nil {
		t.Fatal(err)
	}
	ctr := filepath.Join(mount, "deleg/ctr")
	if ok, b := CanEnter(mount, "/deleg/shell", ctr); !ok {
		t.Errorf("from a sibling in the delegated subtree: refused by %s", b)
	}
	if ok, b := CanEnter(mount, "/foreign", ctr); ok || b != mount {
		t.Errorf("from outside the delegated subtree: %v, %q; want refused by %s", ok, b, mount)
	}
}
