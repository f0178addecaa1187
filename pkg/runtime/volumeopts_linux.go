package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// A volume created with options (volume create --opt, podman's local
// driver): type=tmpfs (device=tmpfs, o=size=…,mode=…) is a tmpfs mounted
// on the volume's directory when a container first uses it, in the mount
// namespace husk's commands share, until the volume is removed;
// o=bind with device=PATH makes the volume that host directory. Other
// filesystems need privileges rootless husk lacks, and are refused.

// volumeTmpfsOpts are the o= options a tmpfs volume takes.
var volumeTmpfsOpts = map[string]bool{"size": true, "mode": true, "uid": true, "gid": true, "nr_inodes": true,
	"nosuid": true, "suid": true, "nodev": true, "dev": true, "noexec": true, "exec": true}

// CheckVolumeOptions validates volume create's --opt KEY=VALUE set.
func CheckVolumeOptions(opts map[string]string) error {
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "type" && k != "device" && k != "o" {
			return fmt.Errorf("volume option %q: the local driver takes type, device and o", k)
		}
	}
	if len(opts) == 0 {
		return nil
	}
	o := strings.Split(opts["o"], ",")
	switch opts["type"] {
	case "tmpfs":
		if d := opts["device"]; d != "" && d != "tmpfs" {
			return fmt.Errorf("volume option device=%s: a tmpfs volume takes device=tmpfs", d)
		}
		for _, kv := range o {
			k, v, hasValue := strings.Cut(kv, "=")
			if kv == "" {
				continue
			}
			if !volumeTmpfsOpts[k] || (hasValue != (k == "size" || k == "mode" || k == "uid" || k == "gid" || k == "nr_inodes")) {
				return fmt.Errorf("volume option o=%s: a tmpfs volume takes size=, mode=, uid=, gid=, nr_inodes=, nosuid, nodev, noexec", kv)
			}
			if k == "uid" || k == "gid" {
				if _, err := strconv.ParseUint(v, 10, 32); err != nil {
					return fmt.Errorf("volume option o=%s: use a number", kv)
				}
			}
		}
		return nil
	case "", "none", "bind":
		if !hasBind(o) {
			return fmt.Errorf("volume option type=%q without o=bind: rootless husk can mount type=tmpfs, or a directory with o=bind,device=PATH", opts["type"])
		}
		d := opts["device"]
		if !filepath.IsAbs(d) {
			return fmt.Errorf("volume option o=bind: give the directory as device=/ABSOLUTE/PATH")
		}
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return fmt.Errorf("volume option device=%s: not a directory", d)
		}
		return nil
	}
	return fmt.Errorf("volume option type=%s: rootless husk cannot mount %s filesystems (that needs root); use type=tmpfs, or o=bind with device=PATH", opts["type"], opts["type"])
}

func hasBind(o []string) bool {
	for _, x := range o {
		if x == "bind" || x == "rbind" {
			return true
		}
	}
	return false
}

// volumeSource is the host directory a container mounts for v: its
// directory, with the tmpfs of a tmpfs volume mounted on it first, or
// the bound directory of an o=bind volume.
func volumeSource(v *Volume) (string, error) {
	switch {
	case len(v.Options) == 0:
		return v.Path, nil
	case v.Options["type"] == "tmpfs":
		if mounted(v.Path) {
			return v.Path, nil
		}
		data := strings.Trim(v.Options["o"], ",")
		if err := unix.Mount("tmpfs", v.Path, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, data); err != nil {
			return "", fmt.Errorf("mount the tmpfs of volume %q: %w", v.Name, err)
		}
		return v.Path, nil
	}
	return v.Options["device"], nil
}

// mounted reports whether dir is a mount point (another device than its
// parent's).
func mounted(dir string) bool {
	var st, parent unix.Stat_t
	if unix.Stat(dir, &st) != nil || unix.Stat(filepath.Dir(dir), &parent) != nil {
		return false
	}
	return st.Dev != parent.Dev
}

// unmountVolume undoes volumeSource's mount before a volume goes.
func unmountVolume(v *Volume) error {
	if v.Options["type"] != "tmpfs" || !mounted(v.Path) {
		return nil
	}
	if err := unix.Unmount(v.Path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("unmount volume %q: %w", v.Name, err)
	}
	return nil
}

// UnmountAll unmounts every tmpfs volume (system reset, before the store's
// files go).
func (s *VolumeStore) UnmountAll() error {
	vols, err := s.List()
	if err != nil {
		return err
	}
	for _, v := range vols {
		if err := unmountVolume(v); err != nil {
			return err
		}
	}
	return nil
}
