package userns

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// RuntimeDir returns a directory for per-user runtime state that only the
// user can use. $XDG_RUNTIME_DIR is taken when it exists and belongs to the
// user; otherwise (unset, or left over from another user after su) a private
// 0700 directory under the system temporary directory is used. The second
// result is a notice for the user when a set $XDG_RUNTIME_DIR was unusable.
func RuntimeDir(uid uint32) (string, string, error) {
	var notice string
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		if err := ownedDir(d, uid, false); err == nil {
			return d, "", nil
		} else {
			notice = fmt.Sprintf("XDG_RUNTIME_DIR %q is not usable (%v); using a private directory instead (log in directly, or use 'machinectl shell' instead of su, to get a proper one)", d, err)
		}
	}
	d := filepath.Join(os.TempDir(), fmt.Sprintf("husk-run-%d", uid))
	if err := os.Mkdir(d, 0o700); err != nil && !os.IsExist(err) {
		return "", notice, fmt.Errorf("create runtime directory %q: %w", d, err)
	}
	if err := ownedDir(d, uid, true); err != nil {
		return "", notice, fmt.Errorf("runtime directory %q: %w; remove it or set XDG_RUNTIME_DIR to a directory you own", d, err)
	}
	return d, notice, nil
}

func ownedDir(d string, uid uint32, private bool) error {
	fi, err := os.Lstat(d)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("not a directory")
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Uid != uid {
		return fmt.Errorf("owned by uid %d, not %d", st.Uid, uid)
	}
	if private && fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("mode %o is not private (0700)", fi.Mode().Perm())
	}
	return nil
}
