package runtime

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/labels"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// buildSpec turns the container's config and its image's config into the
// runtime spec, preparing what the rootfs needs (working directory,
// /etc files).
func buildSpec(ctx context.Context, env Env, c *Container, rootfs string, np netPlan) (*specs.Spec, error) {
	ic, err := imageConfig(env, c)
	if err != nil {
		return nil, err
	}
	img := spec.ImageConfig{
		Entrypoint: ic.Config.Entrypoint, Cmd: ic.Config.Cmd, Env: ic.Config.Env,
		WorkingDir: ic.Config.WorkingDir, User: ic.Config.User, StopSignal: ic.Config.StopSignal,
	}
	if c.Config.StopSignal == "" {
		c.Config.StopSignal = img.StopSignal
	}
	cfg := c.Config
	u, uidMap, gidMap, err := specUser(env, c, rootfs, img.User)
	if err != nil {
		return nil, err
	}
	u.AdditionalGids = mappedGroups(env, u.AdditionalGids, gidMap)
	cwd := cfg.Workdir
	if cwd == "" {
		cwd = img.WorkingDir
	}
	if cwd == "" {
		cwd = "/"
	}
	if err := prepareWorkdir(rootfs, cfg, cwd, mapID(u.UID, uidMap), mapID(u.GID, gidMap)); err != nil {
		return nil, err
	}
	hostname, err := containerHostname(c)
	if err != nil {
		return nil, err
	}
	mounts, err := writeEtcFiles(c.Dir, hostname, cfg.Net, np.info, np.shareFrom)
	if err != nil {
		return nil, err
	}
	if mounts, err = withContainerEnv(mounts, c, env.Rootless); err != nil {
		return nil, err
	}
	mounts, extra, err := runOptionsSpec(env, c, np.preparing, rootfs, mounts, &u)
	if err != nil {
		return nil, err
	}
	vm, err := volumeMounts(env, rootfs, c.Dir, cfg.Volumes, idPair{mapID(u.UID, uidMap), mapID(u.GID, gidMap)})
	if err != nil {
		return nil, err
	}
	mounts = append(append(mounts, vm...), deviceMounts(cfg.Devices)...)
	s, err := spec.Generate(spec.Options{
		Rootfs:          rootfs,
		Args:            spec.ProcessArgs(img, cfg.Entrypoint, cfg.Command),
		Env:             processEnv(cfg, defaultEnv(hostname, u.Home, cfg.TTY), img.Env),
		Cwd:             cwd,
		User:            u,
		Hostname:        hostname,
		Terminal:        cfg.TTY,
		ReadOnly:        cfg.ReadOnly,
		HostNetwork:     cfg.NetworkMode() == netns.ModeHost,
		NetnsPath:       np.nsPath,
		UsernsPath:      np.usernsPath,
		Mounts:          mounts,
		CapAdd:          cfg.CapAdd,
		CapDrop:         cfg.CapDrop,
		Privileged:      cfg.Privileged,
		Seccomp:         cfg.Seccomp,
		NoNewPrivileges: cfg.NoNewPrivileges,
		Rootless:        env.Rootless,
		SingleID:        env.SingleID,
		UIDMap:          uidMap,
		GIDMap:          gidMap,
		// The user's annotations, and husk's own, which they cannot hide.
		Annotations: labels.Merge(cfg.Annotations, map[string]string{"io.husk.container.name": c.Name, "io.husk.image": cfg.Image}),
		Extra:       extra,
	})
	if err != nil {
		return nil, err
	}
	return s, addServicesAndCDI(env, c, s, uidMap, gidMap)
}

// defaultEnv is husk's environment for a container, below the image's.
func defaultEnv(hostname, home string, tty bool) []string {
	env := []string{"PATH=" + spec.DefaultPath, "HOSTNAME=" + hostname, "HOME=" + home, "container=husk"}
	if tty {
		env = append(env, "TERM=xterm")
	}
	return env
}

// specUser resolves the user the container's process runs as (--user,
// else the image's), with the id maps of keep-id: then the user's own
// account, when no user is asked for, is added to the rootfs with its
// home.
func specUser(env Env, c *Container, rootfs, imageUser string) (u spec.User, uidMap, gidMap []spec.IDMap, err error) {
	// --hostuser's accounts first: -u may name them.
	if err := addHostUsers(rootfs, c.Config.HostUsers); err != nil {
		return u, nil, nil, err
	}
	userSpec := c.Config.User
	if userSpec == "" {
		userSpec = imageUser
	}
	keepIDHome := ""
	uidMap, gidMap = userNSMaps(env, &c.Config)
	if c.Config.KeepID {
		if userSpec == "" {
			uid, gid := keepIDUser(env, &c.Config)
			userSpec = fmt.Sprintf("%d:%d", uid, gid)
			acct := hostAccount(uid, gid)
			acct.Entry = c.Config.PasswdEntry
			if keepIDHome, err = addKeepIDAccount(rootfs, acct); err != nil {
				return u, nil, nil, err
			}
		}
	}
	if u, err = ResolveUser(rootfs, userSpec); err != nil {
		return u, nil, nil, err
	}
	if err := checkResolvedUser(env, userSpec, u, &c.Config); err != nil {
		return u, nil, nil, err
	}
	if c.Config.PasswdEntry != "" && keepIDHome == "" {
		if err := addPasswdEntry(rootfs, c.Config.PasswdEntry, u); err != nil {
			return u, nil, nil, err
		}
	}
	if len(uidMap) > 0 && !mapsUser(uidMap) {
		if err := reachForUserNS(env.Store.GraphRoot, rootfs, c.Dir); err != nil {
			return u, nil, nil, err
		}
	}
	if keepIDHome != "" {
		// The account's home exists for it, as its own.
		u.Home = keepIDHome
		if err := MkdirInRoot(rootfs, keepIDHome, mapID(u.UID, uidMap), mapID(u.GID, gidMap)); err != nil {
			return u, nil, nil, err
		}
	}
	return u, uidMap, gidMap, nil
}

// mapID translates a container id to husk's namespace through m (identity
// without a map; unmapped ids become 0).
func mapID(id uint32, m []spec.IDMap) uint32 {
	if len(m) == 0 {
		return id
	}
	for _, e := range m {
		if id >= e.ContainerID && id < e.ContainerID+e.Size {
			return e.HostID + (id - e.ContainerID)
		}
	}
	return 0
}

// volumeMounts are the mounts of vols; owner is the container user's ids
// as this namespace sees them, which a U option gives the files to.
func volumeMounts(env Env, rootfs, ctrDir string, vols []VolumeSpec, owner idPair) ([]spec.Mount, error) {
	var out []spec.Mount
	seen := map[string]bool{}
	for _, v := range vols {
		// cmd/ checked these; a record made by an older husk may not be.
		dst, err := spec.CheckMountDestination(v.Destination)
		if err != nil {
			return nil, err
		}
		if seen[dst] {
			return nil, fmt.Errorf("two mounts on %q: give each destination once", dst)
		}
		seen[dst] = true
		switch v.Kind {
		case VolumeBind:
			if _, err := os.Stat(v.Source); err != nil {
				return nil, fmt.Errorf("bind mount source %q: %w", v.Source, err)
			}
			opts := []string{"rprivate"}
			if v.ReadOnly {
				opts = append(opts, "ro")
			}
			opts = append(opts, slices.DeleteFunc(slices.Clone(v.Options), isOwnerOption)...)
			if err := chownForU(v, v.Source, owner); err != nil {
				return nil, err
			}
			if slices.Contains(v.Options, "O") {
				m, err := overlayMount(ctrDir, len(out), v)
				if err != nil {
					return nil, err
				}
				out = append(out, m)
				continue
			}
			out = append(out, spec.Mount{Type: "bind", Source: v.Source, Destination: v.Destination, Options: opts})
		case VolumeNamed:
			m, err := namedVolumeMount(env, rootfs, v, owner)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		case VolumeTmpfs:
			opts := []string{"nosuid", "nodev"}
			hasMode := false
			for _, o := range v.Options {
				if strings.HasPrefix(o, "mode=") {
					hasMode = true
				}
			}
			if !hasMode {
				opts = append(opts, "mode=1777")
			}
			if v.ReadOnly {
				opts = append(opts, "ro")
			}
			opts = append(opts, v.Options...)
			out = append(out, spec.Mount{Type: "tmpfs", Source: "tmpfs", Destination: v.Destination, Options: opts})
		case VolumeRamfs, VolumeDevpts:
			out = append(out, fsMount(v))
		default:
			return nil, fmt.Errorf("unknown mount type %q", v.Kind)
		}
	}
	return out, nil
}

// namedVolumeMount is the mount of volume v (made and filled from the
// image when new).
func namedVolumeMount(env Env, rootfs string, v VolumeSpec, owner idPair) (spec.Mount, error) {
	if env.Volumes == nil {
		return spec.Mount{}, fmt.Errorf("named volume %q: no volume store", v.Source)
	}
	ensure := env.Volumes.Ensure
	if v.Anonymous {
		ensure = env.Volumes.EnsureAnonymous
	}
	vol, created, err := ensure(v.Source)
	if err != nil {
		return spec.Mount{}, err
	}
	src, err := volumeSource(vol)
	if err != nil {
		return spec.Mount{}, err
	}
	// Like docker and podman: a new volume starts with what the
	// image has at the mount point (unless nocopy).
	if created && !slices.Contains(v.Options, "nocopy") {
		if err := seedVolume(rootfs, v.Destination, src); err != nil {
			return spec.Mount{}, fmt.Errorf("fill volume %q from the image: %w", v.Source, err)
		}
	}
	if err := chownForU(v, src, owner); err != nil {
		return spec.Mount{}, err
	}
	// nosuid and nodev, as podman mounts named volumes.
	opts := []string{"nosuid", "nodev", "rprivate"}
	if v.ReadOnly {
		opts = append(opts, "ro")
	}
	return spec.Mount{Type: "bind", Source: src, Destination: v.Destination, Options: opts}, nil
}

// seedVolume copies the image's directory at dst (if any) into a new
// volume, keeping modes and owners. Both sides are reached through their
// roots (ctrRoot): another container may already use the volume.
func seedVolume(rootfs, dst, volPath string) error {
	src, err := openCtrRoot(rootfs)
	if err != nil {
		return err
	}
	defer src.Close()
	if st, err := src.Stat(dst); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return nil
	}
	vol, err := openCtrRoot(volPath)
	if err != nil {
		return err
	}
	defer vol.Close()
	return src.Walk(dst, func(rel string, e ctrEntry) error {
		target := "/" + rel
		if rel != "." {
			if err := copyEntry(vol, target, e.source()); err != nil {
				return err
			}
		}
		_ = vol.Lchown(target, e.UID, e.GID)
		if rel == "." {
			return vol.ChmodDir(target, e.Mode.Perm())
		}
		return nil
	})
}
