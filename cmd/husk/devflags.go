//go:build linux

package main

import (
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/ctropts"
)

// addDeviceFlags declares run and create's --device and
// --device-cgroup-rule.
func addDeviceFlags(fs *pflag.FlagSet, d *ctropts.DeviceFlags) {
	stringArrayVar(fs, &d.Devices, "device", nil, "give the container a host device HOST-PATH[:CTR-PATH][:PERMISSIONS] (r, w, m; a directory: the nodes under it), bound into it, which you must be able to open; or a CDI device vendor.com/class=name (see --cdi-spec-dir)")
	stringArrayVar(fs, &d.CgroupRules, "device-cgroup-rule", nil, "a device cgroup rule \"TYPE MAJOR:MINOR PERMISSIONS\": refused, since husk cannot set the device cgroup (rootless: it needs privileges); give the node with --device")
}
