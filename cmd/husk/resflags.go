//go:build linux

package main

import (
	"slices"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/ctropts"
)

// resourceFlags are the cgroup limit flags of run, create and update.
type resourceFlags struct {
	fs *pflag.FlagSet
	l  ctropts.Limits
}

func addResourceFlags(fs *pflag.FlagSet) *resourceFlags {
	r := &resourceFlags{fs: fs}
	fs.StringVarP(&r.l.Memory, "memory", "m", "", "memory limit (e.g. 512m, 2g)")
	fs.StringVar(&r.l.MemoryReservation, "memory-reservation", "", "memory soft limit: memory kept under pressure (memory.low)")
	fs.StringVar(&r.l.MemorySwap, "memory-swap", "", "limit of memory plus swap (-1: unlimited swap); needs --memory")
	fs.Float64Var(&r.l.CPUs, "cpus", 0, "number of CPUs the container may use (e.g. 1.5)")
	fs.Uint64Var(&r.l.CPUShares, "cpu-shares", 0, "relative CPU weight on the cgroup v1 scale (2-262144, default 1024)")
	fs.Uint64Var(&r.l.CPUWeight, "cpu-weight", 0, "relative CPU weight on the cgroup v2 scale (1-10000, default 100)")
	fs.StringVar(&r.l.CpusetCpus, "cpuset-cpus", "", "CPUs the container may run on (e.g. 0-1,3)")
	fs.Int64Var(&r.l.PidsLimit, "pids-limit", 0, "maximum number of processes (-1: unlimited)")
	fs.Uint16Var(&r.l.BlkioWeight, "blkio-weight", 0, "relative block I/O weight (10-1000)")
	return r
}

// apply sets the limits given on res (the others keep their value) and
// validates the result.
func (r *resourceFlags) apply(res *cgroups.Resources) error {
	return withFlagNames(r.l.Apply(res, flagsGiven(r.fs)))
}

// changed reports whether any limit flag was given.
func (r *resourceFlags) changed() bool {
	return slices.ContainsFunc(ctropts.LimitOptions, flagsGiven(r.fs))
}
