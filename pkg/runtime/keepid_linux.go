package runtime

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
)

// keepIDAccount is the host account that --userns=keep-id brings into the
// container when the image does not know its ids.
type keepIDAccount struct {
	Name, Home string
	UID, GID   uint32
	// Entry is --passwd-entry's template for the passwd line ("": the
	// default one).
	Entry string
}

// hostAccount looks up the user's host account (name and home) for
// keep-id; $USER and "user" stand in when the host has no entry.
func hostAccount(uid, gid uint32) keepIDAccount {
	a := keepIDAccount{UID: uid, GID: gid, Name: os.Getenv("USER"), Home: os.Getenv("HOME")}
	if u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10)); err == nil {
		a.Name, a.Home = u.Username, u.HomeDir
	}
	if a.Name == "" {
		a.Name = "user"
	}
	if a.Home == "" || !strings.HasPrefix(a.Home, "/") {
		a.Home = "/home/" + a.Name
	}
	return a
}

// addKeepIDAccount gives the account an /etc/passwd and /etc/group entry
// in rootfs when the image has none for its ids, as podman does for
// --userns=keep-id: whoami, ls -l and $HOME then work. It returns the
// account's home in the container.
func addKeepIDAccount(rootfs string, a keepIDAccount) (string, error) {
	home, found, err := passwdHome(rootfs, a.UID)
	if err != nil {
		return "", err
	}
	if !found {
		home = a.Home
		line := fmt.Sprintf("%s:*:%d:%d:%s:%s:/bin/sh\n", a.Name, a.UID, a.GID, a.Name, a.Home)
		if a.Entry != "" {
			line = expandPasswdEntry(a.Entry, a.Name, a.UID, a.GID, a.Name, a.Home)
		}
		if err := appendInRoot(rootfs, "/etc/passwd", line); err != nil {
			return "", err
		}
	}
	if ok, err := hasID(rootfs, "/etc/group", 2, a.GID); err != nil {
		return "", err
	} else if !ok {
		if err := appendInRoot(rootfs, "/etc/group", fmt.Sprintf("%s:x:%d:\n", a.Name, a.GID)); err != nil {
			return "", err
		}
	}
	return home, nil
}

// passwdHome returns the home of uid's entry in rootfs's /etc/passwd.
func passwdHome(rootfs string, uid uint32) (string, bool, error) {
	var home string
	found, err := scanIDs(rootfs, "/etc/passwd", 2, uid, func(f []string) {
		if len(f) > 5 {
			home = f[5]
		}
	})
	return home, found, err
}

func hasID(rootfs, file string, field int, id uint32) (bool, error) {
	return scanIDs(rootfs, file, field, id, nil)
}

// scanIDs looks for a line of a colon-separated file in rootfs whose
// field-th field is id; a missing file has none.
func scanIDs(rootfs, file string, field int, id uint32, match func([]string)) (bool, error) {
	f, err := openInRoot(rootfs, file)
	if err != nil {
		if os.IsNotExist(err) {
			return false, nil
		}
		return false, fmt.Errorf("read %s of the image: %w", file, err)
	}
	defer f.Close()
	want := strconv.FormatUint(uint64(id), 10)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Split(sc.Text(), ":")
		if len(fs) > field && fs[field] == want {
			if match != nil {
				match(fs)
			}
			return true, nil
		}
	}
	return false, sc.Err()
}

// appendInRoot appends text to file in rootfs (creating it 0644),
// resolving it inside the rootfs: the image decides what the path
// resolves to, never a file of the host.
func appendInRoot(rootfs, file, text string) error {
	r, err := openCtrRoot(rootfs)
	if err != nil {
		return fmt.Errorf("open the rootfs: %w", err)
	}
	defer r.Close()
	f, err := r.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("add the keep-id account to %s: %w", file, err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return fmt.Errorf("add the keep-id account to %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("add the keep-id account to %s: %w", file, err)
	}
	return nil
}
