package cgroups

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSys is a kernel's files in a temporary directory: cgroup v1
// hierarchies under cgroup/, the v2 hierarchy at unified/ (or v2/), block
// devices with their I/O schedulers, the online CPUs.
type fakeSys struct {
	t    *testing.T
	root string
	sys  *sysPaths
}

func newFakeSys(t *testing.T, schedulers string) *fakeSys {
	t.Helper()
	root := t.TempDir()
	f := &fakeSys{t: t, root: root, sys: &sysPaths{
		cgroup: filepath.Join(root, "cgroup"),
		block:  filepath.Join(root, "block"),
		online: filepath.Join(root, "online"),
	}}
	f.write("online", "0-1\n")
	if schedulers != "" {
		f.write("block/vda/queue/scheduler", schedulers+"\n")
		f.write("block/vdb/queue/scheduler", schedulers+"\n")
	}
	return f
}

// write creates a file (and its directories) below the fake root.
func (f *fakeSys) write(rel, content string) {
	f.t.Helper()
	p := filepath.Join(f.root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fakeSys) mkdir(rel string) {
	f.t.Helper()
	if err := os.MkdirAll(filepath.Join(f.root, rel), 0o755); err != nil {
		f.t.Fatal(err)
	}
}

const (
	noBFQ   = "[none] mq-deadline kyber"
	withBFQ = "[mq-deadline] kyber bfq none"
)

// Root on a hybrid host (this project's CI kind): runc writes the cgroup
// v1 blkio files, and without BFQ there are none to write.
func TestCheckBlkioWeightRootV1(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sched string
		files []string // below cgroup/
		ok    bool
	}{
		{"no BFQ, no husk cgroup yet (inferred from the schedulers)", noBFQ, []string{"blkio/blkio.reset_stats"}, false},
		{"no BFQ, husk cgroup without weight files", noBFQ, []string{"blkio/husk/blkio.throttle.read_bps_device"}, false},
		{"BFQ, no husk cgroup yet", withBFQ, []string{"blkio/blkio.reset_stats"}, true},
		{"BFQ, husk cgroup with blkio.bfq.weight", withBFQ, []string{"blkio/husk/blkio.bfq.weight"}, true},
		{"another cgroup shows blkio.bfq.weight", noBFQ, []string{"blkio/system.slice/blkio.bfq.weight"}, true},
		{"CFQ's blkio.weight (old kernels)", "noop deadline [cfq]", []string{"blkio/user.slice/blkio.weight"}, true},
		{"no block devices and no cgroup to look in: cannot tell, leave it to the runtime", "", []string{"blkio/blkio.reset_stats"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSys(t, tc.sched)
			for _, p := range tc.files {
				f.write("cgroup/"+p, "")
			}
			info := rootHybrid
			info.sys = f.sys
			err := info.Check(Resources{BlkioWeight: 300}, false)
			if tc.ok {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			wantAll(t, tc.name, err, "--blkio-weight needs a proportional-weight I/O scheduler",
				"blkio.bfq.weight or blkio.weight", "BFQ is not loaded", "the I/O schedulers here are: none mq-deadline kyber",
				"modprobe bfq", "or run without --blkio-weight")
			// The other limits are not caught by the same missing files.
			if err := info.Check(Resources{Memory: 64 << 20, PidsLimit: 5}, false); err != nil {
				t.Errorf("--memory and --pids-limit refused with BFQ missing: %v", err)
			}
		})
	}
}

// cgroup v2, rootless: the delegated cgroup shows the files of the
// controllers given to it, as the containers' cgroups below it will.
func TestCheckFilesRootlessV2(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sched string
		files []string // in the delegated cgroup
		r     Resources
		want  []string // nil: accepted
	}{
		{"io.weight (io.cost)", noBFQ, []string{"io.weight", "io.max"}, Resources{BlkioWeight: 100}, nil},
		{"io.bfq.weight", withBFQ, []string{"io.bfq.weight"}, Resources{BlkioWeight: 100}, nil},
		{"neither", noBFQ, []string{"io.max", "io.stat"}, Resources{BlkioWeight: 100},
			[]string{"--blkio-weight needs a proportional-weight I/O scheduler", "io.bfq.weight or io.weight", "modprobe bfq"}},
		{"swap accounting off", noBFQ, []string{"memory.max", "memory.low"}, Resources{Memory: 64 << 20, MemorySwap: 128 << 20},
			[]string{"--memory-swap needs swap accounting", "memory.swap.max", "swapaccount=1", "run without --memory-swap"}},
		{"swap accounting on", noBFQ, []string{"memory.max", "memory.low", "memory.swap.max"}, Resources{Memory: 64 << 20, MemorySwap: 128 << 20}, nil},
		{"no CPU bandwidth control", noBFQ, []string{"cpu.weight"}, Resources{CPUs: 0.5},
			[]string{"--cpus needs CPU bandwidth control", "cpu.max", "CONFIG_CFS_BANDWIDTH", "--cpu-weight"}},
		{"no pids.max", noBFQ, []string{"pids.current"}, Resources{PidsLimit: 5},
			[]string{"--pids-limit needs pids.max in the container's cgroup", "run without --pids-limit"}},
		{"everything there", noBFQ, []string{"memory.max", "memory.low", "memory.swap.max", "cpu.max", "cpu.weight",
			"cpuset.cpus", "pids.max", "io.weight"},
			Resources{Memory: 64 << 20, MemoryReservation: 32 << 20, MemorySwap: 128 << 20, CPUs: 1, CPUWeight: 5, CpusetCpus: "0-1", PidsLimit: 5, BlkioWeight: 10}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSys(t, tc.sched)
			deleg := "unified/user.slice/user@1000.service"
			f.write(deleg+"/cgroup.controllers", "cpuset cpu io memory pids\n")
			for _, p := range tc.files {
				f.write(deleg+"/"+p, "")
			}
			info := rootlessV2All
			info.Mount = filepath.Join(f.root, "unified")
			info.Delegated = "/user.slice/user@1000.service"
			info.sys = f.sys
			err := info.Check(tc.r, false)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			wantAll(t, tc.name, err, tc.want...)
		})
	}
}

// Root on cgroup v2 before any container made /sys/fs/cgroup/husk: another
// cgroup with the controller is looked at, else io.cost's root file.
func TestCheckBlkioWeightRootV2(t *testing.T) {
	f := newFakeSys(t, noBFQ)
	info := rootV2
	info.Mount = filepath.Join(f.root, "v2")
	info.sys = f.sys
	f.mkdir("v2")
	if err := info.Check(Resources{BlkioWeight: 100}, false); err == nil {
		t.Errorf("no BFQ, no io.cost, no child cgroup: Check = nil, want a refusal")
	}
	f.write("v2/io.cost.qos", "")
	if err := info.Check(Resources{BlkioWeight: 100}, false); err != nil {
		t.Errorf("io.cost in the root: Check = %v", err)
	}
	// A child cgroup with io is better evidence than the root.
	f.write("v2/system.slice/cgroup.controllers", "io memory\n")
	if err := info.Check(Resources{BlkioWeight: 100}, false); err == nil || !strings.Contains(err.Error(), "io.bfq.weight or io.weight") {
		t.Errorf("system.slice has io but no weight file: Check = %v, want a refusal", err)
	}
	f.write("v2/system.slice/io.weight", "")
	if err := info.Check(Resources{BlkioWeight: 100}, false); err != nil {
		t.Errorf("system.slice has io.weight: Check = %v", err)
	}
}

func TestCheckFilesSwapV1(t *testing.T) {
	f := newFakeSys(t, noBFQ)
	f.write("cgroup/memory/memory.limit_in_bytes", "")
	f.write("cgroup/memory/memory.soft_limit_in_bytes", "")
	info := rootHybrid
	info.sys = f.sys
	r := Resources{Memory: 64 << 20, MemorySwap: 128 << 20}
	wantAll(t, "v1 without memsw", info.Check(r, false), "--memory-swap needs swap accounting",
		"memory.memsw.limit_in_bytes", "swapaccount=1")
	f.write("cgroup/memory/memory.memsw.limit_in_bytes", "")
	if err := info.Check(r, false); err != nil {
		t.Errorf("v1 with memsw: Check = %v", err)
	}
}

func TestCheckCpusetOnline(t *testing.T) {
	f := newFakeSys(t, noBFQ)
	f.write("cgroup/cpuset/cpuset.cpus", "")
	info := rootHybrid
	info.sys = f.sys
	for _, ok := range []string{"0", "1", "0-1", "1,0"} {
		if err := info.Check(Resources{CpusetCpus: ok}, false); err != nil {
			t.Errorf("--cpuset-cpus %s on a host with CPUs 0-1: %v", ok, err)
		}
	}
	for _, bad := range []string{"2", "0-3", "0,7"} {
		wantAll(t, bad, info.Check(Resources{CpusetCpus: bad}, false), "--cpuset-cpus \""+bad+"\"",
			"which this host does not have (online CPUs: 0-1)")
	}
}

func TestParseCPUListBounded(t *testing.T) {
	for _, s := range []string{"0-99999999", "99999999", "0-65535,0-65535"} {
		if _, err := ParseCPUList(s); err == nil {
			t.Errorf("ParseCPUList(%q) = nil error, want a refusal (it would expand into memory)", s)
		}
	}
	if got, err := ParseCPUList("0-3,8"); err != nil || len(got) != 5 {
		t.Errorf("ParseCPUList(0-3,8) = %v, %v", got, err)
	}
}
