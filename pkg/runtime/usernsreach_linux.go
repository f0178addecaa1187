package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// mapsUser reports whether a container map gives the user (id 0 of
// husk's namespace) an id in the container.
func mapsUser(m []spec.IDMap) bool {
	for _, e := range m {
		if e.HostID == 0 {
			return true
		}
	}
	return false
}

// reachForUserNS makes the paths the runtime mounts from reachable from
// a container user namespace that does not map the user (nomap, auto,
// most --uidmap): its root has no capability over the user's files, so
// every directory on the way must be searchable by others. Inside the
// store (graphRoot) husk adds o+x to the user's directories, as podman
// keeps its store 0711; above it, it says what to do.
func reachForUserNS(graphRoot string, paths ...string) error {
	uid := uint32(os.Getuid())
	for _, p := range paths {
		for d := filepath.Clean(p); d != "/" && d != "."; d = filepath.Dir(d) {
			var st unix.Stat_t
			if err := unix.Stat(d, &st); err != nil {
				return fmt.Errorf("check %s: %w", d, err)
			}
			if st.Mode&unix.S_IFMT != unix.S_IFDIR || st.Mode&0o001 != 0 || st.Uid != uid {
				continue
			}
			if d != graphRoot && !strings.HasPrefix(d, graphRoot+"/") {
				return setting.Errorf("%s is not searchable by others, so a container whose user namespace does not map you cannot reach its store: run chmod o+x %s (podman keeps these 0711), or use {userns} keep-id", d, d)
			}
			if err := os.Chmod(d, os.FileMode(st.Mode&0o777|0o001)); err != nil {
				return fmt.Errorf("let the container's user namespace reach %s: %w", d, err)
			}
		}
	}
	return nil
}

// mappedGroups leaves out of the user's additional groups (the image's
// /etc/group) those a container map does not give, with podman's warning:
// the runtime cannot set them (setgroups: invalid argument).
func mappedGroups(env Env, gids []uint32, gidMap []spec.IDMap) []uint32 {
	if len(gidMap) == 0 {
		return gids
	}
	var kept []uint32
	for _, g := range gids {
		if spec.MapsContainerID(gidMap, g) {
			kept = append(kept, g)
		} else if env.Notices != nil {
			fmt.Fprintf(env.Notices, "husk: warning: additional gid=%d is not present in the user namespace, skip setting it\n", g)
		}
	}
	return kept
}
