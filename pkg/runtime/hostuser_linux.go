package runtime

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/sys/user"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// LookupHostUser finds a host account --hostuser names (a name or uid) in
// the host's /etc/passwd.
func LookupHostUser(name string) (user.User, error) {
	users, err := user.ParsePasswdFileFilter(passwdPath, func(u user.User) bool {
		return u.Name == name || fmt.Sprint(u.Uid) == name
	})
	if err != nil || len(users) == 0 {
		return user.User{}, setting.Errorf("{hostuser} %q: no such user in the host's %s: give a host account's name or uid", name, passwdPath)
	}
	return users[0], nil
}

// passwdPath is the host's account file (a variable for tests).
var passwdPath = "/etc/passwd"

// addHostUsers adds the host accounts --hostuser names to rootfs's
// /etc/passwd, unless an entry has their name or uid already (start runs
// this again on the same rootfs). As podman 4.3 writes them: name, ids
// and GECOS from the host, no password, home / and /bin/sh (the host's
// home and shell need not exist in the container).
func addHostUsers(rootfs string, names []string) error {
	for _, name := range names {
		u, err := LookupHostUser(name)
		if err != nil {
			return err
		}
		exists, err := hasID(rootfs, "/etc/passwd", 2, uint32(u.Uid))
		if err != nil {
			return err
		}
		if !exists {
			exists, err = hasName(rootfs, u.Name)
			if err != nil {
				return err
			}
		}
		if exists {
			continue
		}
		line := fmt.Sprintf("%s:*:%d:%d:%s:/:/bin/sh\n", u.Name, u.Uid, u.Gid, u.Gecos)
		if err := appendInRoot(rootfs, "/etc/passwd", line); err != nil {
			return err
		}
	}
	return nil
}

// hasName reports whether rootfs's /etc/passwd has an entry called name.
func hasName(rootfs, name string) (bool, error) {
	f, err := openInRoot(rootfs, "/etc/passwd")
	if err != nil {
		return false, nil // none: nothing has the name
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if n, _, _ := strings.Cut(sc.Text(), ":"); n == name {
			return true, nil
		}
	}
	return false, sc.Err()
}

// addPasswdEntry writes --passwd-entry's line for u when rootfs's
// /etc/passwd has no entry for its uid, as podman does for a -u UID the
// image does not know (name: the uid, GECOS: "container user").
func addPasswdEntry(rootfs, template string, u spec.User) error {
	if _, found, err := passwdHome(rootfs, u.UID); err != nil || found {
		return err
	}
	return appendInRoot(rootfs, "/etc/passwd", expandPasswdEntry(template, strconv.FormatUint(uint64(u.UID), 10), u.UID, u.GID, "container user", u.Home))
}

// expandPasswdEntry fills --passwd-entry's variables; the line ends with
// a newline.
func expandPasswdEntry(template, name string, uid, gid uint32, gecos, home string) string {
	r := strings.NewReplacer("$USERNAME", name, "$UID", strconv.FormatUint(uint64(uid), 10),
		"$GID", strconv.FormatUint(uint64(gid), 10), "$NAME", gecos, "$HOME", home)
	return strings.TrimRight(r.Replace(template), "\n") + "\n"
}
