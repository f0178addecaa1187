package ctropts

import (
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/cgroups"
)

// The limit options.
const (
	OptMemory            Option = "memory"
	OptMemoryReservation Option = "memory-reservation"
	OptMemorySwap        Option = "memory-swap"
	OptCPUs              Option = "cpus"
	OptCPUShares         Option = "cpu-shares"
	OptCPUWeight         Option = "cpu-weight"
	OptCpusetCpus        Option = "cpuset-cpus"
	OptPidsLimit         Option = "pids-limit"
	OptBlkioWeight       Option = "blkio-weight"
)

// LimitOptions are the limit options, for "was any given".
var LimitOptions = []Option{OptMemory, OptMemoryReservation, OptMemorySwap, OptCPUs, OptCPUShares, OptCPUWeight,
	OptCpusetCpus, OptPidsLimit, OptBlkioWeight}

// Limits are a container's cgroup limits as given (of run, create and
// update): sizes as written ("512m"), the others as numbers.
type Limits struct {
	Memory            string
	MemoryReservation string
	MemorySwap        string
	CPUs              float64
	CPUShares         uint64
	CPUWeight         uint64
	CpusetCpus        string
	PidsLimit         int64
	BlkioWeight       uint16
}

// Apply sets the limits given (given reports which; nil: none) on res,
// the others keep their value, and validates the result.
func (l Limits) Apply(res *cgroups.Resources, given func(Option) bool) error {
	if given == nil {
		given = func(Option) bool { return false }
	}
	size := func(opt Option, v string, dst *int64, allowUnlimited bool) error {
		if !given(opt) {
			return nil
		}
		if allowUnlimited && v == "-1" {
			*dst = -1
			return nil
		}
		if strings.TrimSpace(v) == "0" {
			// No limit, as podman and docker read it; a limit the
			// container has cannot be lifted this way (0 is "not set").
			if *dst > 0 {
				return setting.Errorf("{"+opt+"} 0 (no limit) cannot lift the container's limit of %d bytes: give a larger limit, or create the container again", *dst)
			}
			*dst = 0
			return nil
		}
		n, err := ParseSize(v)
		if err != nil {
			return setting.Errorf("{"+opt+"} %q: %w", v, err)
		}
		*dst = n
		return nil
	}
	if err := size(OptMemory, l.Memory, &res.Memory, false); err != nil {
		return err
	}
	if err := size(OptMemoryReservation, l.MemoryReservation, &res.MemoryReservation, false); err != nil {
		return err
	}
	if err := size(OptMemorySwap, l.MemorySwap, &res.MemorySwap, true); err != nil {
		return err
	}
	if given(OptCPUs) {
		if l.CPUs <= 0 {
			return setting.Errorf("{cpus} %s: must be more than 0", strconv.FormatFloat(l.CPUs, 'g', -1, 64))
		}
		res.CPUs = l.CPUs
	}
	if given(OptCPUShares) {
		res.CPUShares = l.CPUShares
	}
	if given(OptCPUWeight) {
		if l.CPUWeight == 0 {
			return setting.Errorf("{cpu-weight} must be between 1 and 10000")
		}
		res.CPUWeight = l.CPUWeight
	}
	if given(OptCpusetCpus) {
		res.CpusetCpus = l.CpusetCpus
	}
	if given(OptPidsLimit) {
		if l.PidsLimit == 0 {
			return setting.Errorf("{pids-limit} 0: use a positive number, or -1 for unlimited")
		}
		res.PidsLimit = l.PidsLimit
	}
	if given(OptBlkioWeight) {
		res.BlkioWeight = l.BlkioWeight
	}
	return res.Validate()
}
