package oci

import (
	"errors"
	"fmt"
	"strings"
)

// ErrCannotInvoke and ErrCommandNotFound classify runtime errors about the
// container's command (exit codes 126 and 127).
var (
	ErrCannotInvoke    = errors.New("container command cannot be invoked")
	ErrCommandNotFound = errors.New("container command not found")
)

// Classify wraps a runtime's error about the container's command (not
// found, not executable) in ErrCommandNotFound or ErrCannotInvoke, as
// podman does; other errors are returned as they are.
func Classify(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "executable file not found") || strings.Contains(msg, "no such file or directory") && strings.Contains(msg, "exec"):
		return fmt.Errorf("%w: %v", ErrCommandNotFound, err)
	case strings.Contains(msg, "permission denied") && strings.Contains(msg, "exec"):
		return fmt.Errorf("%w: %v", ErrCannotInvoke, err)
	}
	return err
}

// RefusesHost recognizes runtimes that cannot run on this host at all, as
// opposed to a problem with this container (crun 1.8 on a hybrid cgroup
// host, or an ociVersion it does not know).
func RefusesHost(err error) bool {
	msg := err.Error()
	for _, s := range []string{"cgroups in hybrid mode not supported", "unknown version specified", "cgroup v1 not supported"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// CgroupManager is who makes a container's cgroup.
type CgroupManager int

const (
	// CgroupfsManager: the runtime writes the cgroup file system (or the
	// container is born in the cgroup husk made).
	CgroupfsManager CgroupManager = iota
	// SystemdManager: the runtime has systemd make a transient scope.
	SystemdManager
	// NoCgroup: the container gets no cgroup of its own.
	NoCgroup
)

// CgroupFlags are the global flags that give the runtime called name the
// cgroup manager m.
func CgroupFlags(name string, m CgroupManager) []string {
	switch {
	case name == "crun" && m == NoCgroup:
		return []string{"--cgroup-manager=disabled"}
	case name == "crun" && m == SystemdManager:
		return []string{"--cgroup-manager=systemd"}
	case name == "crun":
		return []string{"--cgroup-manager=cgroupfs"}
	case m == SystemdManager:
		return []string{"--systemd-cgroup"}
	}
	return nil
}
