//go:build linux

package userns

// extern int husk_join_state;
// extern int husk_join_errno;
// extern int husk_join_single;
// extern unsigned int husk_join_uid, husk_join_gid;
// extern char husk_join_dir[];
// static const char *husk_dir(void) { return husk_join_dir; }
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// joined reports whether the constructor in join.c joined the pause
// process's namespaces.
func joined() bool { return C.husk_join_state == 1 }

// JoinError describes why a join the constructor attempted failed (nil if
// it joined or never got as far as setns).
func JoinError() error {
	if C.husk_join_state >= 0 {
		return nil
	}
	return fmt.Errorf("join the user namespace of the pause process: %w", syscall.Errno(C.husk_join_errno))
}

// Go copies the environment before C constructors' setenv calls become
// visible to it: copy what join.c set.
func init() {
	if !joined() {
		return
	}
	os.Setenv(envConfigured, "done")
	os.Setenv(envRootlessUID, strconv.FormatUint(uint64(C.husk_join_uid), 10))
	os.Setenv(envRootlessGID, strconv.FormatUint(uint64(C.husk_join_gid), 10))
	m := MappingFull
	if C.husk_join_single != 0 {
		m = MappingSingle
	}
	os.Setenv(envMapping, m.String())
	os.Setenv("XDG_RUNTIME_DIR", C.GoString(C.husk_dir()))
}

// JoinedAtStart reports whether this process joined the pause process's
// namespaces as it started: it was started outside them (a process that
// husk unshare runs starts inside and joins nothing).
func JoinedAtStart() bool { return joined() }
