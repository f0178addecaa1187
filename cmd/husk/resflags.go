//go:build linux

package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/cgroups"
)

// resourceFlags are the cgroup limit flags of run, create and update.
type resourceFlags struct {
	fs                *pflag.FlagSet
	memory            string
	memoryReservation string
	memorySwap        string
	cpus              float64
	cpuShares         uint64
	cpuWeight         uint64
	cpusetCpus        string
	pidsLimit         int64
	blkioWeight       uint16
}

func addResourceFlags(fs *pflag.FlagSet) *resourceFlags {
	r := &resourceFlags{fs: fs}
	fs.StringVarP(&r.memory, "memory", "m", "", "memory limit (e.g. 512m, 2g)")
	fs.StringVar(&r.memoryReservation, "memory-reservation", "", "memory soft limit: memory kept under pressure (memory.low)")
	fs.StringVar(&r.memorySwap, "memory-swap", "", "limit of memory plus swap (-1: unlimited swap); needs --memory")
	fs.Float64Var(&r.cpus, "cpus", 0, "number of CPUs the container may use (e.g. 1.5)")
	fs.Uint64Var(&r.cpuShares, "cpu-shares", 0, "relative CPU weight on the cgroup v1 scale (2-262144, default 1024)")
	fs.Uint64Var(&r.cpuWeight, "cpu-weight", 0, "relative CPU weight on the cgroup v2 scale (1-10000, default 100)")
	fs.StringVar(&r.cpusetCpus, "cpuset-cpus", "", "CPUs the container may run on (e.g. 0-1,3)")
	fs.Int64Var(&r.pidsLimit, "pids-limit", 0, "maximum number of processes (-1: unlimited)")
	fs.Uint16Var(&r.blkioWeight, "blkio-weight", 0, "relative block I/O weight (10-1000)")
	return r
}

// names of the flags, for update's "was anything given".
var resourceFlagNames = []string{"memory", "memory-reservation", "memory-swap", "cpus", "cpu-shares", "cpu-weight", "cpuset-cpus", "pids-limit", "blkio-weight"}

// apply sets the flags that were given on res (the others keep their
// value) and validates the result.
func (r *resourceFlags) apply(res *cgroups.Resources) error {
	size := func(name, v string, dst *int64, allowUnlimited bool) error {
		if !r.fs.Changed(name) {
			return nil
		}
		if allowUnlimited && v == "-1" {
			*dst = -1
			return nil
		}
		n, err := parseSize(v)
		if err != nil {
			return fmt.Errorf("--%s %q: %w", name, v, err)
		}
		*dst = n
		return nil
	}
	if err := size("memory", r.memory, &res.Memory, false); err != nil {
		return err
	}
	if err := size("memory-reservation", r.memoryReservation, &res.MemoryReservation, false); err != nil {
		return err
	}
	if err := size("memory-swap", r.memorySwap, &res.MemorySwap, true); err != nil {
		return err
	}
	if r.fs.Changed("cpus") {
		if r.cpus <= 0 {
			return fmt.Errorf("--cpus %s: must be more than 0", strconv.FormatFloat(r.cpus, 'g', -1, 64))
		}
		res.CPUs = r.cpus
	}
	if r.fs.Changed("cpu-shares") {
		res.CPUShares = r.cpuShares
	}
	if r.fs.Changed("cpu-weight") {
		if r.cpuWeight == 0 {
			return fmt.Errorf("--cpu-weight must be between 1 and 10000")
		}
		res.CPUWeight = r.cpuWeight
	}
	if r.fs.Changed("cpuset-cpus") {
		res.CpusetCpus = r.cpusetCpus
	}
	if r.fs.Changed("pids-limit") {
		if r.pidsLimit == 0 {
			return fmt.Errorf("--pids-limit 0: use a positive number, or -1 for unlimited")
		}
		res.PidsLimit = r.pidsLimit
	}
	if r.fs.Changed("blkio-weight") {
		res.BlkioWeight = r.blkioWeight
	}
	return res.Validate()
}

// changed reports whether any limit flag was given.
func (r *resourceFlags) changed() bool {
	for _, n := range resourceFlagNames {
		if r.fs.Changed(n) {
			return true
		}
	}
	return false
}
