package userns

import (
	"fmt"
	"github.com/husk-dev/husk/internal/childenv"
	"os"
	"strconv"
)

// Mapping says how ids inside husk's user namespace relate to the host.
type Mapping int

const (
	// MappingHost: no user namespace, husk runs as real root.
	MappingHost Mapping = iota
	// MappingFull: root is the user, ids 1..N are the user's subordinate ids.
	MappingFull
	// MappingSingle: only root exists inside (it is the user); files owned
	// by other ids in images are stored as root.
	MappingSingle
)

func (m Mapping) String() string {
	switch m {
	case MappingHost:
		return "host"
	case MappingFull:
		return "subordinate-ids"
	case MappingSingle:
		return "single-id"
	}
	return "unknown"
}

// Environment variables that carry the namespace's facts into the
// re-executed husk (internal/childenv lists them all).
const (
	envConfigured  = childenv.UsernsConfigured
	envRootlessUID = childenv.RootlessUID
	envRootlessGID = childenv.RootlessGID
	envMapping     = childenv.UsernsMapping
)

// State describes the process husk runs in.
type State struct {
	// Rootless is true when the invoking user is not root on the host.
	Rootless bool
	// Inside is true when this process already runs in husk's namespace
	// (or needs none, as root).
	Inside bool
	// UID and GID are the invoking user's ids on the host.
	UID, GID uint32
	Mapping  Mapping
}

// Current reads the state from the process credentials and the environment
// left by Reexec.
func Current() State {
	euid := os.Geteuid()
	if euid == 0 && os.Getenv(envConfigured) == "done" {
		uid, err1 := strconv.ParseUint(os.Getenv(envRootlessUID), 10, 32)
		gid, err2 := strconv.ParseUint(os.Getenv(envRootlessGID), 10, 32)
		if err1 == nil && err2 == nil && uid != 0 {
			m := MappingFull
			if os.Getenv(envMapping) == MappingSingle.String() {
				m = MappingSingle
			}
			return State{Rootless: true, Inside: true, UID: uint32(uid), GID: uint32(gid), Mapping: m}
		}
	}
	if euid == 0 {
		return State{Inside: true, Mapping: MappingHost}
	}
	return State{Rootless: true, UID: uint32(euid), GID: uint32(os.Getegid())}
}

// String is the one-line summary husk info shows.
func (s State) String() string {
	if !s.Rootless {
		return "none (running as root)"
	}
	return fmt.Sprintf("uid %d gid %d, %s mapping", s.UID, s.GID, s.Mapping)
}
