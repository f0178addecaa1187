package runtime

import (
	"bufio"
	"fmt"
	"io"
	"os/user"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// IDSpan is a run of ids that exist in a user namespace (First to
// First+Count-1).
type IDSpan struct {
	First, Count uint64
}

// ParseIDMap reads a /proc/PID/uid_map or gid_map and returns the ids
// that exist inside the namespace.
func ParseIDMap(r io.Reader) ([]IDSpan, error) {
	var out []IDSpan
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("id map line %q: want INSIDE OUTSIDE COUNT", sc.Text())
		}
		first, err1 := strconv.ParseUint(f[0], 10, 32)
		count, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("id map line %q: want INSIDE OUTSIDE COUNT", sc.Text())
		}
		out = append(out, IDSpan{First: first, Count: count})
	}
	return out, sc.Err()
}

func spansContain(spans []IDSpan, id uint64) bool {
	for _, s := range spans {
		if id >= s.First && id-s.First < s.Count {
			return true
		}
	}
	return false
}

// spansString describes spans for an error: "0-65536", "0", "0-999, 1001".
func spansString(spans []IDSpan) string {
	var parts []string
	for _, s := range mergeSpans(spans) {
		if s.Count == 1 {
			parts = append(parts, strconv.FormatUint(s.First, 10))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", s.First, s.First+s.Count-1))
		}
	}
	return strings.Join(parts, ", ")
}

func mergeSpans(spans []IDSpan) []IDSpan {
	var out []IDSpan
	for _, s := range spans {
		if s.Count == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].First+out[n-1].Count == s.First {
			out[n-1].Count += s.Count
			continue
		}
		out = append(out, s)
	}
	return out
}

// NamespaceIDs are the uids and gids a container may run as: those of
// husk's user namespace (or, with keep-id, of the container's own).
type NamespaceIDs struct {
	UIDs, GIDs []IDSpan
	// SingleID: the namespace maps only the user (no subordinate ids).
	SingleID bool
	// KeepID: the ids are those of --userns=keep-id's map; Mode names
	// another map of the container's own (--userns, --uidmap).
	KeepID bool
	Mode   string
	// HostUID names the user in the fix.
	HostUID uint32
}

// CheckUserSpec refuses the numeric parts of a -u spec
// (uid|name[:gid|group]) that the namespace does not map, before anything
// is created or started: the runtime's own error ("unable to setup user:
// invalid argument") says neither which id nor why. Names are resolved
// against the image later; a name's ids go through CheckIDs then.
// what names the spec in errors (-u "1000", the image's USER "1000").
func CheckUserSpec(what string, spec string, ids NamespaceIDs) error {
	if spec == "" {
		return nil
	}
	u, g, hasGroup := strings.Cut(spec, ":")
	if u == "" || (hasGroup && g == "") {
		return fmt.Errorf("%s: want name|uid[:group|gid]", what)
	}
	check := func(part, kind string, spans []IDSpan) error {
		if !isDigits(part) {
			return nil
		}
		n, err := strconv.ParseUint(part, 10, 32)
		if err != nil || n == 1<<32-1 {
			return fmt.Errorf("%s: %s %s is not a valid id (at most 4294967294)", what, kind, part)
		}
		return ids.check(what, kind, n, spans)
	}
	if err := check(u, "uid", ids.UIDs); err != nil {
		return err
	}
	if hasGroup {
		return check(g, "gid", ids.GIDs)
	}
	return nil
}

// CheckIDs is CheckUserSpec for ids already resolved from names.
func CheckIDs(what string, uid, gid uint32, ids NamespaceIDs) error {
	if err := ids.check(what, "uid", uint64(uid), ids.UIDs); err != nil {
		return err
	}
	return ids.check(what, "gid", uint64(gid), ids.GIDs)
}

func (ids NamespaceIDs) check(what, kind string, id uint64, spans []IDSpan) error {
	if spans == nil || spansContain(spans, id) {
		return nil
	}
	if ids.SingleID {
		name := strconv.FormatUint(uint64(ids.HostUID), 10)
		if u, err := user.LookupId(name); err == nil {
			name = u.Username
		}
		return setting.Errorf("%s: %s %d does not exist here: the single-id mapping has only %s %s (user %q has no subordinate ids); run as that id, or to fix, as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s",
			what, kind, id, kind, spansString(spans), name, name)
	}
	if ids.KeepID {
		return setting.Errorf("%s: %s %d is not mapped with {userns=keep-id}, which maps %ss %s; use one of those",
			what, kind, id, kind, spansString(spans))
	}
	if ids.Mode != "" {
		return fmt.Errorf("%s: %s %d is not mapped in the container's user namespace (%s), which maps %ss %s; use one of those",
			what, kind, id, ids.Mode, kind, spansString(spans))
	}
	file := "/etc/subuid"
	if kind == "gid" {
		file = "/etc/subgid"
	}
	return fmt.Errorf("%s: %s %d is not mapped in the user namespace, which has %ss %s (your own id as 0, then your subordinate ids from %s); use one of those, or ask an administrator for a larger range in %s",
		what, kind, id, kind, spansString(spans), file, file)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
