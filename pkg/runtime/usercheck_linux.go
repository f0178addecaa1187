package runtime

import (
	"fmt"
	"os"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// namespaceIDs reads the ids of the user namespace a container of env
// gets: husk's own (/proc/self/uid_map), or with keep-id the container's
// map. Outside a user namespace (root) every id exists.
func namespaceIDs(env Env, c *Config) (NamespaceIDs, error) {
	ids := NamespaceIDs{SingleID: env.SingleID, HostUID: env.HostUID, KeepID: c.KeepID}
	if c.ownUserNS() {
		ids.Mode = c.UsernsMode
		uidMap, gidMap := userNSMaps(env, c)
		ids.UIDs, ids.GIDs = containerSpans(uidMap), containerSpans(gidMap)
		return ids, nil
	}
	if !env.Rootless {
		return ids, nil
	}
	for _, m := range []struct {
		path string
		dst  *[]IDSpan
	}{{"/proc/self/uid_map", &ids.UIDs}, {"/proc/self/gid_map", &ids.GIDs}} {
		f, err := os.Open(m.path)
		if err != nil {
			return ids, fmt.Errorf("read the user namespace's ids: %w", err)
		}
		spans, err := ParseIDMap(f)
		f.Close()
		if err != nil {
			return ids, fmt.Errorf("read %s: %w", m.path, err)
		}
		*m.dst = spans
	}
	return ids, nil
}

func containerSpans(m []spec.IDMap) []IDSpan {
	out := make([]IDSpan, 0, len(m))
	for _, e := range m {
		out = append(out, IDSpan{First: uint64(e.ContainerID), Count: uint64(e.Size)})
	}
	return out
}

// CheckUser refuses a -u the container's user namespace cannot run (see
// CheckUserSpec); what names the spec in errors. Create and Exec call it
// before anything is made.
func CheckUser(env Env, what, spec string, c *Config) error {
	if spec == "" {
		return nil
	}
	ids, err := namespaceIDs(env, c)
	if err != nil {
		return err
	}
	return CheckUserSpec(what, spec, ids)
}

// checkCreateUser checks -u, or else the image's USER, for Create.
func checkCreateUser(env Env, cfg Config, imageUser string) error {
	if cfg.User != "" {
		return CheckUser(env, fmt.Sprintf("-u %q", cfg.User), cfg.User, &cfg)
	}
	if cfg.KeepID {
		return nil // the user's own ids
	}
	return CheckUser(env, fmt.Sprintf("the image's USER %q (give -u to run as another user)", imageUser), imageUser, &cfg)
}

// checkResolvedUser checks the ids a -u name resolved to.
func checkResolvedUser(env Env, spec string, u spec.User, c *Config) error {
	ids, err := namespaceIDs(env, c)
	if err != nil {
		return err
	}
	return CheckIDs(fmt.Sprintf("user %q", spec), u.UID, u.GID, ids)
}
