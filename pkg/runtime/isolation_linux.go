package runtime

import (
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// Isolation are a container's security settings beyond capabilities and
// seccomp (--security-opt mask, unmask, label, apparmor), kept with its
// Config (embedded: their JSON fields are the config's).
type Isolation struct {
	// Mask are paths masked besides husk's defaults; Unmask are shell
	// patterns of the default masked and read-only paths left alone
	// (spec.UnmaskAll: all of them).
	Mask   []string `json:"mask,omitempty"`
	Unmask []string `json:"unmask,omitempty"`
	// SecurityLabels are --security-opt label=VALUE's values, kept to be
	// shown: husk applies no SELinux labels (label=disable is what it
	// does), and refuses them on a host with SELinux.
	SecurityLabels []string `json:"securityLabels,omitempty"`
	// AppArmor is "unconfined" when asked for: husk confines no
	// container with AppArmor.
	AppArmor string `json:"apparmor,omitempty"`
	UsernsOptions
	// Rootfs is --rootfs's directory, the container's root filesystem
	// (no image then).
	Rootfs string `json:"rootfs,omitempty"`
	// RootfsOverlay (--rootfs DIR:O): the container writes to an overlay
	// in its own directory, DIR stays as it is.
	RootfsOverlay bool `json:"rootfsOverlay,omitempty"`
	// CgroupParent is where the container's cgroup goes (--cgroup-parent;
	// "": the default place).
	CgroupParent string `json:"cgroupParent,omitempty"`
	// ImageMounts are --mount type=image's.
	ImageMounts []ImageMount `json:"imageMounts,omitempty"`
}

// checkCgroupParent refuses a --cgroup-parent the host cannot honour.
func checkCgroupParent(env Env, cfg Config) error {
	if cfg.CgroupParent == "" {
		return nil
	}
	if env.Cgroups == nil {
		return setting.Errorf("{cgroup-parent} needs cgroups, which husk could not inspect on this host")
	}
	return env.Cgroups.CheckParent(cfg.CgroupParent, cfg.CgroupsDisabled)
}

// UsernsOptions are the container's user namespace settings (--userns,
// --uidmap, --gidmap, --subuidname, --subgidname).
type UsernsOptions struct {
	// UsernsMode is the mode as inspect shows it ("": husk's own
	// namespace, the default).
	UsernsMode string `json:"usernsMode,omitempty"`
	// KeepIDUID/KeepIDGID are keep-id's uid= and gid= (nil: the user's
	// own ids).
	KeepIDUID *uint32 `json:"keepIdUid,omitempty"`
	KeepIDGID *uint32 `json:"keepIdGid,omitempty"`
	// NoMap (nomap, or --subuidname of the user's own name) maps the
	// user's subordinate ids only; AutoSize (auto) has Create pick a free
	// range of that many of them.
	NoMap    bool   `json:"noMap,omitempty"`
	AutoSize uint32 `json:"autoSize,omitempty"`
	// SubIDName is --subuidname's (or --subgidname's) user: only the
	// user's own name can be honoured (it is NoMap then).
	SubIDName string `json:"subIdName,omitempty"`
	// UIDMap/GIDMap give the container a user namespace of its own, in
	// ids of husk's namespace (0: the user, 1…: the subordinate ids):
	// --uidmap and --gidmap's, or chosen by Create for NoMap and
	// AutoSize.
	UIDMap []spec.IDMap `json:"uidMap,omitempty"`
	GIDMap []spec.IDMap `json:"gidMap,omitempty"`
}

// ownUserNS reports whether the container gets a user namespace of its
// own, nested in husk's.
func (c *Config) ownUserNS() bool { return c.KeepID || len(c.UIDMap) > 0 }

// userNSMaps are the maps of the container's own user namespace (nil
// without one).
func userNSMaps(env Env, c *Config) (uidMap, gidMap []spec.IDMap) {
	if c.KeepID {
		uid, gid := env.HostUID, env.HostGID
		if c.KeepIDUID != nil {
			uid = *c.KeepIDUID
		}
		if c.KeepIDGID != nil {
			gid = *c.KeepIDGID
		}
		return keepIDMap(env, uid), keepIDMap(env, gid)
	}
	return c.UIDMap, c.GIDMap
}
