package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// CheckParent refuses a parent cgroup (--cgroup-parent) that the host
// cannot honour: with the systemd manager it is a slice (NAME.slice);
// with cgroupfs, rootless, a path in the tree delegated to the user
// (relative paths are taken from its top); without a delegated cgroup v2
// tree, as on cgroup v1, rootless containers get no cgroup at all.
func (info Info) CheckParent(parent string, disabled bool) error {
	if parent == "" {
		return nil
	}
	_, err := info.parentDir(parent, disabled)
	return err
}

// parentDir is the parent cgroup's path: for cgroupfs relative to the
// cgroup v2 mount, for systemd the slice.
func (info Info) parentDir(parent string, disabled bool) (string, error) {
	slice := strings.HasSuffix(parent, ".slice")
	switch {
	case disabled:
		return "", setting.Errorf("{cgroup-parent} %q: the container has no cgroup ({cgroups} disabled): drop one of them", parent)
	case info.Manager == ManagerSystemd && (!slice || strings.Contains(parent, "/")):
		return "", setting.Errorf("{cgroup-parent} %q: the systemd cgroup manager places containers in a slice: give NAME.slice", parent)
	case info.Manager == ManagerSystemd:
		return parent, nil
	case slice:
		return "", setting.Errorf("{cgroup-parent} %q is a systemd slice, but the cgroup manager is cgroupfs: give a cgroup path, or use the systemd manager ({cgroup-manager} systemd)", parent)
	case !info.Rootless:
		return filepath.Join("/", parent), nil
	case info.Mount == "" || info.Delegated == "":
		return "", setting.Errorf("{cgroup-parent} %q: no cgroup v2 tree is delegated to you on this host (cgroup v1), so rootless containers get no cgroup of their own to place", parent)
	}
	dir := filepath.Join(info.Delegated, parent)
	if filepath.IsAbs(parent) {
		dir = filepath.Clean(parent)
	}
	if dir != info.Delegated && !strings.HasPrefix(dir, strings.TrimSuffix(info.Delegated, "/")+"/") {
		return "", setting.Errorf("{cgroup-parent} %q is outside the cgroup tree delegated to you (%s): give a path inside it, or one relative to it", parent, info.Delegated)
	}
	return dir, nil
}

// specPathIn is SpecFor's linux.cgroupsPath in parent ("": the default
// place).
func (info Info) specPathIn(parent, id string, disabled bool) (string, bool) {
	if parent == "" || disabled {
		return "", false
	}
	dir, err := info.parentDir(parent, disabled)
	if err != nil {
		return "", false
	}
	switch {
	case info.Manager == ManagerSystemd:
		return dir + ":husk:" + id, true
	case !info.Rootless:
		return filepath.Join(dir, id), true
	case info.Mode == ModeV2:
		return filepath.Join(dir, "husk-"+id), true
	}
	return "", true
}

// makeParent creates the parent cgroup directories below the delegated
// one, with the controllers enabled on the way, and returns the parent's
// directory.
func (info Info) makeParent(parent string, ctrls []string) (string, error) {
	dir, err := info.parentDir(parent, false)
	if err != nil {
		return "", err
	}
	base := filepath.Join(info.Mount, info.Delegated)
	rel, _ := filepath.Rel(info.Delegated, dir)
	if err := enable(base, ctrls); err != nil {
		return "", err
	}
	for _, part := range strings.Split(rel, "/") {
		if part == "." || part == "" {
			continue
		}
		base = filepath.Join(base, part)
		if err := os.Mkdir(base, 0o755); err != nil && !os.IsExist(err) {
			return "", fmt.Errorf("create cgroup %s: %w", base, err)
		}
		if err := enable(base, ctrls); err != nil {
			return "", err
		}
	}
	return base, nil
}
