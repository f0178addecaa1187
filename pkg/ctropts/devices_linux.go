package ctropts

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"tags.cncf.io/container-device-interface/pkg/parser"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
)

// DeviceFlags are --device and --device-cgroup-rule.
type DeviceFlags struct {
	Devices     []string
	CgroupRules []string
}

func (f DeviceFlags) apply(cfg *runtime.Config) error {
	for _, v := range f.Devices {
		if parser.IsQualifiedName(v) {
			cfg.CDIDevices = append(cfg.CDIDevices, v)
			continue
		}
		d, err := ParseDevice(v)
		if err != nil {
			return setting.Errorf("{device} %q: %w", v, err)
		}
		cfg.Devices = append(cfg.Devices, d)
	}
	for _, v := range f.CgroupRules {
		if err := CheckDeviceCgroupRule(v); err != nil {
			return setting.Errorf("{device-cgroup-rule} %q: %w", v, err)
		}
		cfg.DeviceCgroupRules = append(cfg.DeviceCgroupRules, v)
	}
	return nil
}

// ParseDevice reads HOST[:CONTAINER][:PERMISSIONS] as podman does: a
// second part made only of r, w and m is the permissions; the container
// path defaults to the host's, the permissions to rwm.
func ParseDevice(v string) (runtime.Device, error) {
	parts := strings.Split(v, ":")
	d := runtime.Device{PathOnHost: parts[0], Permissions: "rwm"}
	switch len(parts) {
	case 1:
	case 2:
		if validPermissions(parts[1]) {
			d.Permissions = parts[1]
		} else {
			d.PathInContainer = parts[1]
		}
	case 3:
		d.PathInContainer, d.Permissions = parts[1], parts[2]
		if !validPermissions(d.Permissions) {
			return d, fmt.Errorf("permissions %q: use r, w and m (e.g. rwm, r)", d.Permissions)
		}
	default:
		return d, fmt.Errorf("too many parts: use HOST-PATH[:CONTAINER-PATH][:PERMISSIONS]")
	}
	if !path.IsAbs(d.PathOnHost) {
		return d, fmt.Errorf("give the device's absolute path on the host (or a CDI name, vendor.com/class=name)")
	}
	if d.PathInContainer == "" {
		d.PathInContainer = d.PathOnHost
	}
	if !path.IsAbs(d.PathInContainer) {
		return d, fmt.Errorf("container path %q: give an absolute path", d.PathInContainer)
	}
	d.PathOnHost, d.PathInContainer = path.Clean(d.PathOnHost), path.Clean(d.PathInContainer)
	if d.PathInContainer == "/" {
		return d, fmt.Errorf("container path \"/\": give the device's path")
	}
	return d, nil
}

// validPermissions: one to three of r, w, m, each once.
func validPermissions(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for i, c := range s {
		if !strings.ContainsRune("rwm", c) || strings.ContainsRune(s[i+1:], c) {
			return false
		}
	}
	return true
}

// CheckDeviceCgroupRule checks "TYPE MAJOR:MINOR PERMISSIONS" (TYPE a, b
// or c; MAJOR and MINOR numbers or *), the device cgroup's format.
func CheckDeviceCgroupRule(v string) error {
	f := strings.Fields(v)
	if len(f) != 3 {
		return fmt.Errorf("use TYPE MAJOR:MINOR PERMISSIONS, e.g. \"c 1:3 rwm\"")
	}
	if f[0] != "a" && f[0] != "b" && f[0] != "c" {
		return fmt.Errorf("type %q: use a, b or c", f[0])
	}
	major, minor, ok := strings.Cut(f[1], ":")
	if !ok {
		return fmt.Errorf("%q: use MAJOR:MINOR (numbers or *)", f[1])
	}
	for _, n := range []string{major, minor} {
		if n == "*" {
			continue
		}
		if _, err := strconv.ParseUint(n, 10, 32); err != nil {
			return fmt.Errorf("%q: use MAJOR:MINOR (numbers or *)", f[1])
		}
	}
	if !validPermissions(f[2]) {
		return fmt.Errorf("permissions %q: use r, w and m", f[2])
	}
	return nil
}
