package cgroups

import (
	"fmt"
	"slices"
	"strings"
)

// DelegateFix is what an administrator does so that systemd delegates the
// controllers to users' sessions.
const DelegateFix = "as root: mkdir -p /etc/systemd/system/user@.service.d && " +
	"printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' > /etc/systemd/system/user@.service.d/delegate.conf && " +
	"systemctl daemon-reload; then log out and in again"

// unifiedFix is what a host with cgroup v1 (or hybrid) needs.
const unifiedFix = "boot the host with cgroup v2 (kernel command line systemd.unified_cgroup_hierarchy=1)"

// v1Name is a controller's name in cgroup v1.
func v1Name(ctrl string) string {
	if ctrl == "io" {
		return "blkio"
	}
	return ctrl
}

// Check refuses limits the host cannot enforce for this user; disabled is
// --cgroups=disabled. The error names the flag, the controller and the fix.
func (info Info) Check(r Resources, disabled bool) error {
	limits := r.Limits()
	if len(limits) == 0 {
		return nil
	}
	if disabled {
		return fmt.Errorf("%s needs a cgroup, but --cgroups=disabled runs the container without one: drop one of them", limits[0].Flag)
	}
	for _, l := range limits {
		if err := info.checkController(l); err != nil {
			return err
		}
	}
	var missing []string
	if info.sys != nil {
		missing = info.sys.missingFiles(info, r.Controllers())
	}
	for _, l := range limits {
		if err := info.checkFiles(l, missing); err != nil {
			return err
		}
	}
	if r.CpusetCpus != "" && info.sys != nil {
		return checkCPUs(r.CpusetCpus, info.sys.onlineCPUs())
	}
	return nil
}

// filesV2 says which interface files limits go to: cgroup v2 ones, unless
// husk runs as root on a host whose controllers are cgroup v1 hierarchies
// (runc and crun then write those).
func (info Info) filesV2() bool { return info.Mode == ModeV2 || info.Rootless }

// checkFiles refuses a limit whose interface files are all missing where
// the container's cgroup goes: the controller is there, but the kernel
// lacks the feature (an I/O scheduler with weights, swap accounting, CPU
// bandwidth control), and the runtime would fail half-way or not at all.
func (info Info) checkFiles(l Limit, missing []string) error {
	want := l.Files(info.filesV2())
	for _, f := range want {
		if !slices.Contains(missing, f) {
			return nil
		}
	}
	if len(want) == 0 {
		return nil
	}
	files := strings.Join(want, " or ")
	switch l.Flag {
	case "--blkio-weight":
		scheds := "none listed in /sys/block/*/queue/scheduler"
		if s := info.sys.schedulers(); len(s) > 0 {
			scheds = strings.Join(s, " ")
		}
		return fmt.Errorf("--blkio-weight needs a proportional-weight I/O scheduler, and this kernel offers none: "+
			"the cgroup has no %s (BFQ is not loaded; the I/O schedulers here are: %s): "+
			"as root, load BFQ (modprobe bfq; a kernel built with CONFIG_IOSCHED_BFQ and CONFIG_BFQ_GROUP_IOSCHED) "+
			"and select it for the disk (echo bfq > /sys/block/DEVICE/queue/scheduler), or run without --blkio-weight", files, scheds)
	case "--memory-swap":
		return fmt.Errorf("--memory-swap needs swap accounting, which this kernel has turned off (the cgroup has no %s): "+
			"boot with swapaccount=1 on the kernel command line (a kernel built with CONFIG_MEMCG_SWAP), or run without --memory-swap", files)
	case "--cpus":
		return fmt.Errorf("--cpus needs CPU bandwidth control, which this kernel lacks (the cgroup has no %s; CONFIG_CFS_BANDWIDTH): "+
			"use --cpu-shares or --cpu-weight for a relative share, or run without --cpus", files)
	}
	return fmt.Errorf("%s needs %s in the container's cgroup, which this kernel does not offer: run without %s", l.Flag, files, l.Flag)
}

// checkCPUs refuses a cpuset naming CPUs that are not online (as docker
// does), instead of the runtime's "invalid argument" on cpuset.cpus.
func checkCPUs(set, online string) error {
	if online == "" {
		return nil
	}
	want, err := ParseCPUList(set)
	if err != nil {
		return fmt.Errorf("--cpuset-cpus: %w", err)
	}
	have, err := ParseCPUList(online)
	if err != nil {
		return nil
	}
	for _, c := range want {
		if !slices.Contains(have, c) {
			return fmt.Errorf("--cpuset-cpus %q names CPU %d, which this host does not have (online CPUs: %s)", set, c, online)
		}
	}
	return nil
}

func (info Info) checkController(l Limit) error {
	ctrl := l.Controller
	has := slices.Contains(info.Controllers, ctrl)
	if !info.Rootless {
		if has || (info.Mode != ModeV2 && slices.Contains(info.V1Controllers, v1Name(ctrl))) {
			return nil
		}
		return fmt.Errorf("%s needs the %s cgroup controller, which this host does not offer (cgroup %s): enable it in the kernel or run without %s", l.Flag, ctrl, info.Mode, l.Flag)
	}
	if has {
		return nil
	}
	prefix := fmt.Sprintf("%s needs the %s cgroup controller", l.Flag, ctrl)
	switch {
	case info.Mode == ModeV1:
		return fmt.Errorf("%s, but this host has only cgroup v1, where unprivileged users cannot have cgroups: %s, or run without %s", prefix, unifiedFix, l.Flag)
	case info.Mode == ModeHybrid && slices.Contains(info.V1Controllers, v1Name(ctrl)):
		return fmt.Errorf("%s, which this host mounts in cgroup v1 only (hybrid mode; the cgroup v2 tree at %s offers %s): rootless limits need cgroup v2: %s, and delegate the controllers to users (%s); or run without %s",
			prefix, info.Mount, list(info.Controllers), unifiedFix, DelegateFix, l.Flag)
	case info.Delegated == "":
		return fmt.Errorf("%s, but no cgroup is delegated to you (your cgroup %s is not yours to manage): %s; or run without %s",
			prefix, info.Own, DelegateFix, l.Flag)
	default:
		return fmt.Errorf("%s, which is not delegated to your cgroup %s (it offers %s): %s; or run without %s",
			prefix, info.Delegated, list(info.Controllers), DelegateFix, l.Flag)
	}
}

func list(s []string) string {
	if len(s) == 0 {
		return "no controllers"
	}
	return strings.Join(s, " ")
}
