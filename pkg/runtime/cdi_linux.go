package runtime

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"tags.cncf.io/container-device-interface/pkg/cdi"
	cdispec "tags.cncf.io/container-device-interface/specs-go"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// DefaultCDISpecDirs are where CDI spec files are read without
// --cdi-spec-dir: the static and the generated ones.
var DefaultCDISpecDirs = []string{cdi.DefaultStaticDir, cdi.DefaultDynamicDir}

// cdiCache reads the spec files of dirs. A file that does not read or
// validate is an error naming it: a device it defines could otherwise
// silently go missing, or another file's take its place.
func cdiCache(dirs []string) (*cdi.Cache, error) {
	c, err := cdi.NewCache(cdi.WithSpecDirs(dirs...), cdi.WithAutoRefresh(false))
	if err != nil {
		return nil, fmt.Errorf("read CDI specs: %w", err)
	}
	errs := c.GetErrors()
	var files []string
	for f := range errs {
		files = append(files, f)
	}
	if len(files) > 0 {
		slices.Sort(files)
		return nil, fmt.Errorf("CDI spec file %q: %w: fix or remove it", files[0], errors.Join(errs[files[0]]...))
	}
	return c, nil
}

// cdiNodes resolves the CDI names in dirs into the device nodes they
// inject (the spec files' own and the devices'), checked as --device's
// are.
func cdiNodes(dirs, names []string, rootless, keepGroups bool) ([]Device, error) {
	c, err := cdiCache(dirs)
	if err != nil {
		return nil, err
	}
	var out []Device
	seen := map[*cdi.Spec]bool{}
	for _, name := range names {
		d := c.GetDevice(name)
		if d == nil {
			known := c.ListDevices()
			list := "none"
			if len(known) > 0 {
				list = strings.Join(known, ", ")
			}
			return nil, setting.Errorf("{device} %q: no such CDI device in %s (known: %s)", name, strings.Join(dirs, ", "), list)
		}
		var nodes []*cdispec.DeviceNode
		if s := d.GetSpec(); !seen[s] {
			seen[s] = true
			nodes = append(nodes, s.ContainerEdits.DeviceNodes...)
		}
		nodes = append(nodes, d.ContainerEdits.DeviceNodes...)
		for _, n := range nodes {
			dev := Device{PathOnHost: n.HostPath, PathInContainer: n.Path, Permissions: n.Permissions}
			if dev.PathOnHost == "" {
				dev.PathOnHost = dev.PathInContainer
			}
			if dev.Permissions == "" {
				dev.Permissions = "rwm"
			}
			if rootless {
				if err := checkOpenable(dev, keepGroups); err != nil {
					return nil, setting.Errorf("{device} %q: node %q: %w", name, dev.PathOnHost, err)
				}
			}
			out = append(out, dev)
		}
	}
	return out, nil
}

// injectCDI applies the CDI devices' edits (nodes, mounts, environment,
// hooks) to s. The nodes are bound, as --device's are, rather than made
// by the runtime, and the library's device cgroup rules are taken out
// again: husk sets none (resolveDevices).
func injectCDI(s *specs.Spec, cfg Config, rootless bool) error {
	if len(cfg.CDIDevices) == 0 {
		return nil
	}
	nodes, err := cdiNodes(cfg.CDISpecDirs, cfg.CDIDevices, rootless, cfg.KeepGroups)
	if err != nil {
		return err
	}
	c, err := cdiCache(cfg.CDISpecDirs)
	if err != nil {
		return err
	}
	devices, resources := s.Linux.Devices, s.Linux.Resources
	var keptRules []specs.LinuxDeviceCgroup
	if resources != nil {
		keptRules = slices.Clone(resources.Devices)
	}
	if _, err := c.InjectDevices(s, cfg.CDIDevices...); err != nil {
		return fmt.Errorf("inject CDI devices: %w", err)
	}
	s.Linux.Devices = devices
	s.Linux.Resources = resources
	if resources != nil {
		resources.Devices = keptRules
	}
	for _, m := range deviceMounts(nodes) {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: m.Destination, Type: m.Type, Source: m.Source, Options: m.Options})
	}
	return nil
}

// addServicesAndCDI adds the services' mounts and files, then the CDI
// devices' edits.
func addServicesAndCDI(env Env, c *Container, s *specs.Spec, uidMap, gidMap []spec.IDMap) error {
	if err := addServices(env, c, s, uidMap, gidMap); err != nil {
		return err
	}
	return injectCDI(s, c.Config, env.Rootless)
}
