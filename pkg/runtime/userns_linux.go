package runtime

import (
	"fmt"
	"os/user"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// DefaultAutoSize is --userns auto's number of ids, as podman's.
const DefaultAutoSize = 1024

// keepIDUser is the uid and gid keep-id runs the container as.
func keepIDUser(env Env, c *Config) (uid, gid uint32) {
	uid, gid = env.HostUID, env.HostGID
	if c.KeepIDUID != nil {
		uid = *c.KeepIDUID
	}
	if c.KeepIDGID != nil {
		gid = *c.KeepIDGID
	}
	return uid, gid
}

// resolveUserns completes the user namespace request at create: nomap's
// and auto's maps are chosen, and every map is checked against the ids
// husk's namespace has (0: the user, 1…: the subordinate ids), so that
// the runtime's obscure "invalid argument" never comes.
func resolveUserns(env Env, cfg *Config) error {
	want := cfg.KeepID || cfg.NoMap || cfg.AutoSize > 0 || len(cfg.UIDMap) > 0 || cfg.SubIDName != ""
	if !want {
		return nil
	}
	if !env.Rootless {
		return setting.Errorf("{userns} %q is for rootless use: as root husk gives containers no user namespace of their own", cfg.UsernsMode)
	}
	if cfg.KeepID {
		return nil
	}
	if err := checkSubIDName(env, cfg.SubIDName); err != nil {
		return err
	}
	own, err := namespaceIDs(env, &Config{})
	if err != nil {
		return err
	}
	uids, gids := spansSize(own.UIDs), spansSize(own.GIDs)
	switch {
	case cfg.NoMap || cfg.SubIDName != "":
		if uids < 2 || gids < 2 {
			return setting.Errorf("{userns} %q maps your subordinate ids only, and you have none: add ranges for your user to /etc/subuid and /etc/subgid", cfg.UsernsMode)
		}
		cfg.UIDMap = []spec.IDMap{{ContainerID: 0, HostID: 1, Size: uint32(uids - 1)}}
		cfg.GIDMap = []spec.IDMap{{ContainerID: 0, HostID: 1, Size: uint32(gids - 1)}}
	case cfg.AutoSize > 0:
		start, err := autoRange(env, cfg.AutoSize, min(uids, gids))
		if err != nil {
			return err
		}
		cfg.UIDMap = []spec.IDMap{{ContainerID: 0, HostID: start, Size: cfg.AutoSize}}
		cfg.GIDMap = cfg.UIDMap
	}
	if err := checkIDMap("{uidmap}", cfg.UIDMap, own.UIDs); err != nil {
		return err
	}
	if err := checkIDMap("{gidmap}", cfg.GIDMap, own.GIDs); err != nil {
		return err
	}
	return nil
}

func spansSize(spans []IDSpan) uint64 {
	var n uint64
	for _, s := range spans {
		n += s.Count
	}
	return n
}

// autoRange picks the lowest range of size subordinate ids (from 1) that
// no other auto container of the store has, as podman's auto does.
func autoRange(env Env, size uint32, have uint64) (uint32, error) {
	all, err := List(env.Store)
	if err != nil {
		return 0, err
	}
	var used []spec.IDMap
	for _, c := range all {
		if c.Config.AutoSize > 0 {
			used = append(used, c.Config.UIDMap...)
		}
	}
	start := uint64(1)
	for moved := true; moved; {
		moved = false
		for _, u := range used {
			if start < uint64(u.HostID)+uint64(u.Size) && uint64(u.HostID) < start+uint64(size) {
				start, moved = uint64(u.HostID)+uint64(u.Size), true
			}
		}
	}
	if start+uint64(size) > have {
		return 0, setting.Errorf("{userns} auto: no free range of %d ids among your %d subordinate ids (other auto containers hold the rest): use a smaller auto:size=N, or remove containers", size, have-1)
	}
	return uint32(start), nil
}

// checkIDMap refuses a map whose ranges overlap, or that uses ids husk's
// namespace does not have.
func checkIDMap(name string, m []spec.IDMap, own []IDSpan) error {
	for i, e := range m {
		if e.Size == 0 {
			return setting.Errorf("%s %s: an empty range", name, mapString(e))
		}
		if uint64(e.ContainerID)+uint64(e.Size) > 1<<32-1 {
			return setting.Errorf("%s %s: container ids past 4294967294", name, mapString(e))
		}
		if !spansCover(own, uint64(e.HostID), uint64(e.Size)) {
			return setting.Errorf("%s %s: ids %d-%d are not in husk's user namespace, which has ids %s (0: you, 1…: your subordinate ids); map ids of those",
				name, mapString(e), e.HostID, uint64(e.HostID)+uint64(e.Size)-1, spansString(own))
		}
		for _, o := range m[:i] {
			if overlaps(e.ContainerID, e.Size, o.ContainerID, o.Size) || overlaps(e.HostID, e.Size, o.HostID, o.Size) {
				return setting.Errorf("%s %s overlaps %s: give ranges that do not overlap", name, mapString(e), mapString(o))
			}
		}
	}
	return nil
}

func mapString(e spec.IDMap) string {
	return fmt.Sprintf("%d:%d:%d", e.ContainerID, e.HostID, e.Size)
}

func overlaps(a, an, b, bn uint32) bool {
	return uint64(a) < uint64(b)+uint64(bn) && uint64(b) < uint64(a)+uint64(an)
}

// spansCover reports whether the spans hold every id of [first,
// first+n).
func spansCover(spans []IDSpan, first, n uint64) bool {
	for n > 0 {
		found := false
		for _, s := range spans {
			if first >= s.First && first < s.First+s.Count {
				step := min(n, s.First+s.Count-first)
				first, n, found = first+step, n-step, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// ParseIDMapFlag reads --uidmap and --gidmap values: CONTAINER:HOST:SIZE
// (ids of husk's namespace on the HOST side, as podman rootless).
func ParseIDMapFlag(vals []string) ([]spec.IDMap, error) {
	var out []spec.IDMap
	for _, v := range vals {
		f := strings.Split(v, ":")
		var n [3]uint64
		ok := len(f) == 3
		for i := 0; ok && i < 3; i++ {
			_, err := fmt.Sscanf(f[i], "%d", &n[i])
			ok = err == nil && isDigits(f[i]) && n[i] < 1<<32-1
		}
		if !ok {
			return nil, fmt.Errorf("%q: want CONTAINER-ID:HOST-ID:SIZE (numbers)", v)
		}
		out = append(out, spec.IDMap{ContainerID: uint32(n[0]), HostID: uint32(n[1]), Size: uint32(n[2])})
	}
	return out, nil
}

// checkSubIDName refuses --subuidname of another user: rootless,
// newuidmap maps only the user's own subordinate ids (/etc/subuid).
func checkSubIDName(env Env, name string) error {
	if name == "" {
		return nil
	}
	u, err := user.Lookup(name)
	if err == nil && u.Uid == strconv.FormatUint(uint64(env.HostUID), 10) {
		return nil
	}
	return setting.Errorf("{subuidname} %q: rootless, newuidmap maps only your own subordinate ids (the ranges of your user in /etc/subuid and /etc/subgid): give your own user name, or use {uidmap}", name)
}
