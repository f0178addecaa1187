package ctropts

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
)

// IDMapFlags are --uidmap, --gidmap, --subuidname and --subgidname.
type IDMapFlags struct {
	UIDMap, GIDMap         []string
	SubUIDName, SubGIDName string
}

func (f IDMapFlags) given() bool {
	return len(f.UIDMap) > 0 || len(f.GIDMap) > 0 || f.SubUIDName != "" || f.SubGIDName != ""
}

// userns checks --userns and the id map flags into cfg.
func userns(cfg *runtime.Config, mode string, maps IDMapFlags) error {
	u := &cfg.UsernsOptions
	u.UsernsMode = mode
	if maps.given() {
		if mode != "" && mode != "private" && mode != "host" {
			return setting.Errorf("{userns} %q and {uidmap}, {gidmap}, {subuidname}, {subgidname} exclude each other: give one or the other", mode)
		}
		u.UsernsMode = "private"
		return idMaps(cfg, maps)
	}
	kind, opts, _ := strings.Cut(mode, ":")
	switch {
	case mode == "" || mode == "host":
	case mode == "keep-id" || kind == "keep-id" && opts != "":
		cfg.KeepID = true
		return keepIDOptions(u, opts)
	case mode == "nomap":
		u.NoMap = true
	case mode == "auto" || kind == "auto" && opts != "":
		return autoOptions(u, opts)
	case mode == "private":
		return setting.Errorf("{userns} private needs the container's id maps: give {uidmap} (and {gidmap}), or use nomap or auto")
	case kind == "ns":
		return setting.Errorf("{userns} %q: husk runs inside a user namespace of its own, from which another of your user namespaces cannot be entered; use keep-id, nomap, auto or {uidmap}", mode)
	default:
		return setting.Errorf("unsupported {userns} %q: use host, keep-id[:uid=N,gid=N], nomap, auto[:size=N] or private with {uidmap}", mode)
	}
	return nil
}

func idMaps(cfg *runtime.Config, maps IDMapFlags) error {
	u := &cfg.UsernsOptions
	var err error
	if u.UIDMap, err = runtime.ParseIDMapFlag(maps.UIDMap); err != nil {
		return setting.Errorf("{uidmap} %w", err)
	}
	if u.GIDMap, err = runtime.ParseIDMapFlag(maps.GIDMap); err != nil {
		return setting.Errorf("{gidmap} %w", err)
	}
	// As podman: one map given serves for the other kind too.
	if len(u.GIDMap) == 0 {
		u.GIDMap = u.UIDMap
	}
	if len(u.UIDMap) == 0 {
		u.UIDMap = u.GIDMap
	}
	names := []string{maps.SubUIDName, maps.SubGIDName}
	for _, n := range names {
		if n != "" && u.SubIDName != "" && n != u.SubIDName {
			return setting.Errorf("{subuidname} %q and {subgidname} %q: rootless, both can only be your own user", maps.SubUIDName, maps.SubGIDName)
		}
		if n != "" {
			u.SubIDName = n
		}
	}
	if u.SubIDName != "" && len(u.UIDMap) > 0 {
		return setting.Errorf("{subuidname} and {uidmap} exclude each other: give one or the other")
	}
	return nil
}

// keepIDOptions reads keep-id's uid=N,gid=N.
func keepIDOptions(u *runtime.UsernsOptions, opts string) error {
	if opts == "" {
		return nil
	}
	for _, o := range strings.Split(opts, ",") {
		k, v, _ := strings.Cut(o, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 1<<32-1 || !isDigits(v) {
			return setting.Errorf("{userns} keep-id option %q: want uid=N or gid=N", o)
		}
		id := uint32(n)
		switch k {
		case "uid":
			u.KeepIDUID = &id
		case "gid":
			u.KeepIDGID = &id
		default:
			return setting.Errorf("{userns} keep-id option %q: want uid=N or gid=N", o)
		}
	}
	return nil
}

// autoOptions reads auto's size=N (podman's uidmapping= and gidmapping=
// are not taken).
func autoOptions(u *runtime.UsernsOptions, opts string) error {
	u.AutoSize = runtime.DefaultAutoSize
	if opts == "" {
		return nil
	}
	for _, o := range strings.Split(opts, ",") {
		v, ok := strings.CutPrefix(o, "size=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || n == 0 || !isDigits(v) {
			return setting.Errorf("{userns} auto option %q: husk takes size=N only (N ids, at least 1)", o)
		}
		u.AutoSize = uint32(n)
	}
	return nil
}

// rootfsDir takes the image argument as --rootfs's directory (made
// absolute).
func rootfsDir(cfg *runtime.Config) error {
	dir, overlay := strings.CutSuffix(cfg.Image, ":O")
	abs, err := filepath.Abs(dir)
	if err != nil {
		return setting.Errorf("{rootfs} %q: %w", dir, err)
	}
	if err := runtime.CheckRootfsDir(abs); err != nil {
		return err
	}
	cfg.Rootfs, cfg.RootfsOverlay, cfg.Image = abs, overlay, ""
	return nil
}
