package userns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrDisabled is returned when the kernel refuses unprivileged user
// namespaces.
var ErrDisabled = errors.New("unprivileged user namespaces are disabled")

// CheckHost looks at the sysctls that switch unprivileged user namespaces
// off and names the one that does. procRoot is normally "/proc".
func CheckHost(procRoot string) error {
	read := func(rel string) (string, bool) {
		b, err := os.ReadFile(filepath.Join(procRoot, rel))
		if err != nil {
			return "", false
		}
		return strings.TrimSpace(string(b)), true
	}
	if v, ok := read("sys/user/max_user_namespaces"); ok && v == "0" {
		return fmt.Errorf("%w: user.max_user_namespaces is 0; as root run: sysctl -w user.max_user_namespaces=28633 (and persist it in /etc/sysctl.d/)", ErrDisabled)
	}
	if v, ok := read("sys/kernel/unprivileged_userns_clone"); ok && v == "0" {
		return fmt.Errorf("%w: kernel.unprivileged_userns_clone is 0; as root run: sysctl -w kernel.unprivileged_userns_clone=1 (and persist it in /etc/sysctl.d/)", ErrDisabled)
	}
	if v, ok := read("sys/kernel/apparmor_restrict_unprivileged_userns"); ok && v == "1" {
		return fmt.Errorf("%w: AppArmor restricts them (kernel.apparmor_restrict_unprivileged_userns=1); as root either add an AppArmor profile granting \"userns,\" to the husk binary or run: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0", ErrDisabled)
	}
	return nil
}
