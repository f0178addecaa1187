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
