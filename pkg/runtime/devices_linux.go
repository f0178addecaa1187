package runtime

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// DeviceOptions are --device and --device-cgroup-rule.
type DeviceOptions struct {
	// Devices are host device nodes, as create resolved them: a directory
	// given is replaced by the nodes under it.
	Devices []Device `json:"devices,omitempty"`
	// CDIDevices are CDI names (vendor.com/class=name), injected at each
	// start from the spec files in CDISpecDirs (the directories create
	// read, so that a later start finds the same).
	CDIDevices  []string `json:"cdiDevices,omitempty"`
	CDISpecDirs []string `json:"cdiSpecDirs,omitempty"`
	// DeviceCgroupRules are refused at create (resolveDevices says why).
	DeviceCgroupRules []string `json:"deviceCgroupRules,omitempty"`
}

// Device is a host device node given to the container. Husk binds the
// node, as podman does rootless: a user namespace cannot create nodes.
type Device struct {
	PathOnHost      string `json:"pathOnHost"`
	PathInContainer string `json:"pathInContainer"`
	// Permissions are r, w and m as asked for; without w the bind mount
	// is read-only (which does not stop writes to a device node: the
	// kernel checks a node's write access on the node, not the mount).
	Permissions string `json:"permissions"`
}

// resolveDevices checks the devices at create: it expands directories
// into their nodes and, rootless, refuses nodes the user cannot open
// (the container could not either), and checks the CDI names.
func resolveDevices(env Env, cfg *Config) error {
	if len(cfg.DeviceCgroupRules) > 0 {
		if env.Rootless {
			return setting.Errorf("{device-cgroup-rule}: a rootless container's device cgroup cannot be set (cgroup v2 device control is an eBPF program, which needs privileges, and rootless runc drops the rule): give the node itself with {device} HOST-PATH, which husk binds when you can open it")
		}
		return setting.Errorf("{device-cgroup-rule}: husk does not set device cgroup rules: give the node itself with {device} HOST-PATH")
	}
	var out []Device
	for _, d := range cfg.Devices {
		nodes, err := expandDevice(d)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if env.Rootless {
				if err := checkOpenable(n, cfg.KeepGroups); err != nil {
					return setting.Errorf("{device} %q: %w", n.PathOnHost, err)
				}
			}
		}
		out = append(out, nodes...)
	}
	cfg.Devices = out
	if len(cfg.CDIDevices) == 0 {
		return nil
	}
	cfg.CDISpecDirs = env.CDISpecDirs
	if len(cfg.CDISpecDirs) == 0 {
		cfg.CDISpecDirs = DefaultCDISpecDirs
	}
	_, err := cdiNodes(cfg.CDISpecDirs, cfg.CDIDevices, env.Rootless, cfg.KeepGroups)
	return err
}

// expandDevice is the node d names, or the nodes under the directory it
// names (at the same place under its container path).
func expandDevice(d Device) ([]Device, error) {
	fi, err := os.Stat(d.PathOnHost)
	if err != nil {
		return nil, setting.Errorf("{device} %q: %w", d.PathOnHost, err)
	}
	if !fi.IsDir() {
		if fi.Mode()&fs.ModeDevice == 0 {
			return nil, setting.Errorf("{device} %q: not a device node: give a character or block device, or a directory of them", d.PathOnHost)
		}
		return []Device{d}, nil
	}
	var out []Device
	err = filepath.WalkDir(d.PathOnHost, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.Type()&fs.ModeDevice != 0 {
			rel := strings.TrimPrefix(p, d.PathOnHost)
			out = append(out, Device{PathOnHost: p, PathInContainer: path.Join(d.PathInContainer, rel), Permissions: d.Permissions})
		}
		return nil
	})
	if err != nil {
		return nil, setting.Errorf("{device} %q: %w", d.PathOnHost, err)
	}
	if len(out) == 0 {
		return nil, setting.Errorf("{device} %q: the directory holds no device nodes", d.PathOnHost)
	}
	return out, nil
}

// checkOpenable refuses a node the container's process could not open
// for the access d asks: husk's process keeps the user's groups, but the
// runtime drops them (unless keepGroups), so a node open to its group
// only is refused then too.
func checkOpenable(d Device, keepGroups bool) error {
	var want uint32
	if strings.Contains(d.Permissions, "r") {
		want |= unix.R_OK
	}
	if strings.Contains(d.Permissions, "w") {
		want |= unix.W_OK
	}
	if want == 0 {
		return nil
	}
	var st unix.Stat_t
	if err := unix.Stat(d.PathOnHost, &st); err != nil {
		return err
	}
	access := "read and write"
	if want == unix.R_OK {
		access = "read"
	} else if want == unix.W_OK {
		access = "write"
	}
	if unix.Access(d.PathOnHost, want) != nil {
		return fmt.Errorf("you cannot open this device to %s (mode %#o, not yours, and not open to a group of yours or to others): on the host, add your user to the device's group (usermod -aG GROUP USER, then log in again) or grant access (chmod, or a udev rule's MODE/GROUP)", access, st.Mode&0o7777)
	}
	owner := st.Uid == uint32(os.Getuid()) && (st.Mode>>6)&want == want
	if owner || st.Mode&want == want || keepGroups {
		return nil
	}
	return fmt.Errorf("you can open this device only as a member of its group (mode %#o), and the runtime drops your supplementary groups: give {group-add} keep-groups with {runtime} crun, or grant access to others on the host", st.Mode&0o7777)
}

// deviceMounts are the bind mounts of the devices.
func deviceMounts(devs []Device) []spec.Mount {
	var out []spec.Mount
	for _, d := range devs {
		opts := []string{"bind", "nosuid", "noexec"}
		if !strings.Contains(d.Permissions, "w") {
			opts = append(opts, "ro")
		}
		out = append(out, spec.Mount{Type: "bind", Source: d.PathOnHost, Destination: d.PathInContainer, Options: opts})
	}
	return out
}

// deviceRules are the device cgroup rules that let the container open
// its device nodes when husk runs as root (the runtime's own rules deny
// the nodes it does not know). Rootless, the runtime sets no device
// cgroup, and the host's permissions decide.
func deviceRules(env Env, c *Container) ([]specs.LinuxDeviceCgroup, error) {
	if env.Rootless || (len(c.Config.Devices) == 0 && len(c.Config.CDIDevices) == 0) {
		return nil, nil
	}
	devs := c.Config.Devices
	if len(c.Config.CDIDevices) > 0 {
		nodes, err := cdiNodes(c.Config.CDISpecDirs, c.Config.CDIDevices, false, false)
		if err != nil {
			return nil, err
		}
		devs = append(slices.Clip(devs), nodes...)
	}
	var rules []specs.LinuxDeviceCgroup
	for _, d := range devs {
		var st unix.Stat_t
		if err := unix.Stat(d.PathOnHost, &st); err != nil {
			return nil, fmt.Errorf("device %q: %w", d.PathOnHost, err)
		}
		typ := "c"
		if st.Mode&unix.S_IFMT == unix.S_IFBLK {
			typ = "b"
		}
		major, minor := int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev))
		rules = append(rules, specs.LinuxDeviceCgroup{Allow: true, Type: typ, Major: &major, Minor: &minor, Access: d.Permissions})
	}
	return rules, nil
}

// withDeviceRules adds rules to r (nil: resources of the rules only).
func withDeviceRules(r *specs.LinuxResources, rules []specs.LinuxDeviceCgroup) *specs.LinuxResources {
	if len(rules) == 0 {
		return r
	}
	if r == nil {
		r = &specs.LinuxResources{}
	}
	r.Devices = append(r.Devices, rules...)
	return r
}
