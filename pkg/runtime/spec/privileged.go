package spec

import specs "github.com/opencontainers/runtime-spec/specs-go"

// PrivilegedCapabilities are the capabilities of a process started with
// every capability (exec --privileged, as podman): all of them in its
// bounding set, and, for root (uid 0), in its effective and permitted
// sets too; another user gets none there, as at run. The runtime can
// only grant what the container's user namespace holds.
func PrivilegedCapabilities(uid uint32) *specs.LinuxCapabilities {
	all := allCapabilities()
	caps := &specs.LinuxCapabilities{Bounding: all}
	if uid == 0 {
		caps.Effective = append([]string(nil), all...)
		caps.Permitted = append([]string(nil), all...)
	}
	return caps
}
