package userns

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckHost(t *testing.T) {
	cases := map[string]string{
		"sys/user/max_user_namespaces":                     "0",
		"sys/kernel/unprivileged_userns_clone":             "0",
		"sys/kernel/apparmor_restrict_unprivileged_userns": "1",
	}
	wants := map[string]string{
		"sys/user/max_user_namespaces":                     "user.max_user_namespaces",
		"sys/kernel/unprivileged_userns_clone":             "kernel.unprivileged_userns_clone",
		"sys/kernel/apparmor_restrict_unprivileged_userns": "AppArmor",
	}
	for file, val := range cases {
		t.Run(file, func(t *testing.T) {
			proc := t.TempDir()
			writeFile(t, proc, file, val+"\n")
			err := CheckHost(proc)
			if !errors.Is(err, ErrDisabled) || !strings.Contains(err.Error(), wants[file]) {
				t.Fatalf("got %v", err)
			}
		})
	}
	proc := t.TempDir()
	writeFile(t, proc, "sys/user/max_user_namespaces", "1000\n")
	writeFile(t, proc, "sys/kernel/unprivileged_userns_clone", "1\n")
	if err := CheckHost(proc); err != nil {
		t.Fatalf("enabled host: %v", err)
	}
}
