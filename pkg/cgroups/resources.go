package cgroups

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Resources are the limits a user asked for (zero values: not set).
type Resources struct {
	Memory            int64   `json:"memory,omitempty"`            // bytes
	MemoryReservation int64   `json:"memoryReservation,omitempty"` // bytes
	MemorySwap        int64   `json:"memorySwap,omitempty"`        // memory+swap bytes; -1 unlimited
	CPUs              float64 `json:"cpus,omitempty"`
	CPUShares         uint64  `json:"cpuShares,omitempty"` // 2..262144 (cgroup v1 scale)
	CPUWeight         uint64  `json:"cpuWeight,omitempty"` // 1..10000 (cgroup v2 scale)
	CpusetCpus        string  `json:"cpusetCpus,omitempty"`
	PidsLimit         int64   `json:"pidsLimit,omitempty"` // -1 unlimited
	BlkioWeight       uint16  `json:"blkioWeight,omitempty"`
}

// cpuPeriod is the CFS period --cpus is expressed in (as docker does).
const cpuPeriod = 100000

// Limit names a set limit, the controller it needs and the interface files
// the OCI runtime writes it to: it needs one of V1Files on cgroup v1
// hierarchies, one of V2Files on cgroup v2 (runc and crun take the first
// that exists).
type Limit struct {
	// Setting names the limit as a setting (internal/setting): "memory",
	// "cpus", ...
	Setting    string
	Controller string
	V1Files    []string
	V2Files    []string
}

// Files are the interface files of l for a cgroup version.
func (l Limit) Files(v2 bool) []string {
	if v2 {
		return l.V2Files
	}
	return l.V1Files
}

// Limits lists the limits that are set, in flag order.
func (r Resources) Limits() []Limit {
	var out []Limit
	add := func(set bool, flag, ctrl string, v1, v2 []string) {
		if set {
			out = append(out, Limit{flag, ctrl, v1, v2})
		}
	}
	f := func(names ...string) []string { return names }
	add(r.Memory != 0, "memory", "memory", f("memory.limit_in_bytes"), f("memory.max"))
	add(r.MemoryReservation != 0, "memory-reservation", "memory", f("memory.soft_limit_in_bytes"), f("memory.low"))
	add(r.MemorySwap != 0, "memory-swap", "memory", f("memory.memsw.limit_in_bytes"), f("memory.swap.max"))
	add(r.CPUs != 0, "cpus", "cpu", f("cpu.cfs_quota_us"), f("cpu.max"))
	add(r.CPUShares != 0, "cpu-shares", "cpu", f("cpu.shares"), f("cpu.weight"))
	add(r.CPUWeight != 0, "cpu-weight", "cpu", f("cpu.shares"), f("cpu.weight"))
	add(r.CpusetCpus != "", "cpuset-cpus", "cpuset", f("cpuset.cpus"), f("cpuset.cpus"))
	add(r.PidsLimit != 0, "pids-limit", "pids", f("pids.max"), f("pids.max"))
	add(r.BlkioWeight != 0, "blkio-weight", "io", f("blkio.bfq.weight", "blkio.weight"), f("io.bfq.weight", "io.weight"))
	return out
}

// LimitFiles lists every interface file any limit can be written to.
func LimitFiles() (v1, v2 []string) {
	all := Resources{Memory: 1, MemoryReservation: 1, MemorySwap: 1, CPUs: 1, CPUShares: 2, CpusetCpus: "0", PidsLimit: 1, BlkioWeight: 10}
	for _, l := range all.Limits() {
		for _, n := range l.V1Files {
			if !slices.Contains(v1, n) {
				v1 = append(v1, n)
			}
		}
		for _, n := range l.V2Files {
			if !slices.Contains(v2, n) {
				v2 = append(v2, n)
			}
		}
	}
	return v1, v2
}

// Empty reports whether no limit is set.
func (r Resources) Empty() bool { return len(r.Limits()) == 0 }

// Controllers lists the cgroup v2 controllers the limits need.
func (r Resources) Controllers() []string {
	var out []string
	for _, l := range r.Limits() {
		if !slices.Contains(out, l.Controller) {
			out = append(out, l.Controller)
		}
	}
	return out
}

// Validate checks values and combinations, like docker does.
//
// Complexity ~27: a flat list of independent range checks, one per limit.
func (r Resources) Validate() error {
	const minMemory = 6 << 20
	if r.Memory < 0 || r.MemoryReservation < 0 {
		return fmt.Errorf("memory limits must be positive")
	}
	if r.Memory != 0 && r.Memory < minMemory {
		return setting.Errorf("{memory} %d is below the minimum of 6MiB", r.Memory)
	}
	if r.MemorySwap != 0 {
		if r.Memory == 0 {
			return setting.Errorf("{memory-swap} needs {memory} as well (it is the limit of memory plus swap)")
		}
		if r.MemorySwap != -1 && r.MemorySwap < r.Memory {
			return setting.Errorf("{memory-swap} (%d) must be at least {memory} (%d), or -1 for unlimited swap", r.MemorySwap, r.Memory)
		}
	}
	if r.Memory != 0 && r.MemoryReservation > r.Memory {
		return setting.Errorf("{memory-reservation} must not exceed {memory}")
	}
	if r.CPUs < 0 {
		return setting.Errorf("{cpus} must be positive")
	}
	if r.CPUs != 0 && r.CPUs*cpuPeriod < 1000 {
		return setting.Errorf("{cpus} %g is too small (minimum 0.01)", r.CPUs)
	}
	if r.CPUShares != 0 && (r.CPUShares < 2 || r.CPUShares > 262144) {
		return setting.Errorf("{cpu-shares} must be between 2 and 262144")
	}
	if r.CPUWeight != 0 && r.CPUWeight > 10000 {
		return setting.Errorf("{cpu-weight} must be between 1 and 10000")
	}
	if r.CPUShares != 0 && r.CPUWeight != 0 {
		return setting.Errorf("{cpu-shares} and {cpu-weight} set the same thing: use one")
	}
	if r.CpusetCpus != "" {
		if _, err := ParseCPUList(r.CpusetCpus); err != nil {
			return setting.Errorf("{cpuset-cpus}: %w", err)
		}
	}
	if r.PidsLimit < -1 {
		return setting.Errorf("{pids-limit} must be positive, or -1 for unlimited")
	}
	if r.BlkioWeight != 0 && (r.BlkioWeight < 10 || r.BlkioWeight > 1000) {
		return setting.Errorf("{blkio-weight} must be between 10 and 1000")
	}
	return nil
}

// maxCPU bounds CPU numbers: the kernel's limit (NR_CPUS) is 8192, and a
// list is expanded into memory.
const maxCPU = 1<<16 - 1

// ParseCPUList parses a cpuset list such as "0-2,4".
func ParseCPUList(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 || a > maxCPU {
			return nil, fmt.Errorf("invalid CPU list %q", s)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a || b > maxCPU {
				return nil, fmt.Errorf("invalid CPU list %q", s)
			}
		}
		if len(out)+b-a >= maxCPU {
			return nil, fmt.Errorf("invalid CPU list %q: more than %d CPUs", s, maxCPU)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

// SharesToWeight converts cgroup v1 cpu shares to a cgroup v2 weight the
// way runc and crun do.
func SharesToWeight(shares uint64) uint64 {
	if shares == 0 {
		return 0
	}
	return 1 + ((shares-2)*9999)/262142
}

// weightToShares is the inverse, for cgroup v1 hosts: the smallest shares
// that SharesToWeight maps back to w (rounding down would lose one).
func weightToShares(w uint64) uint64 {
	return 2 + ((w-1)*262142+9998)/9999
}

// Spec turns the limits into the runtime spec's linux.resources (nil when
// none is set). v2 says whether the runtime writes cgroup v2 files.
func (r Resources) Spec(v2 bool) *specs.LinuxResources {
	if r.Empty() {
		return nil
	}
	res := &specs.LinuxResources{}
	if r.Memory != 0 || r.MemoryReservation != 0 || r.MemorySwap != 0 {
		m := &specs.LinuxMemory{}
		if r.Memory != 0 {
			m.Limit = &r.Memory
		}
		if r.MemoryReservation != 0 {
			m.Reservation = &r.MemoryReservation
		}
		if r.MemorySwap != 0 {
			m.Swap = &r.MemorySwap
		}
		res.Memory = m
	}
	if r.CPUs != 0 || r.CPUShares != 0 || r.CPUWeight != 0 || r.CpusetCpus != "" {
		c := &specs.LinuxCPU{}
		if r.CPUs != 0 {
			quota, period := int64(r.CPUs*cpuPeriod), uint64(cpuPeriod)
			c.Quota, c.Period = &quota, &period
		}
		if r.CPUShares != 0 {
			c.Shares = &r.CPUShares
		}
		if r.CPUWeight != 0 {
			if v2 {
				res.Unified = map[string]string{"cpu.weight": strconv.FormatUint(r.CPUWeight, 10)}
			} else {
				s := weightToShares(r.CPUWeight)
				c.Shares = &s
			}
		}
		c.Cpus = r.CpusetCpus
		res.CPU = c
	}
	if r.PidsLimit != 0 {
		limit := r.PidsLimit
		res.Pids = &specs.LinuxPids{Limit: &limit}
	}
	if r.BlkioWeight != 0 {
		res.BlockIO = &specs.LinuxBlockIO{Weight: &r.BlkioWeight}
	}
	return res
}
