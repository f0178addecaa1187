package runtime

import (
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/secrets"
	"github.com/husk-dev/husk/pkg/storage"
)

// Env is what running containers needs from the host, decided once by the
// caller.
type Env struct {
	Store *storage.Store
	// Runtimes to try in order; later ones are fallbacks used (with a
	// notice) only when an earlier one refuses the host.
	Runtimes []oci.Runtime
	// Volumes keeps named volumes.
	Volumes *VolumeStore
	// Rootless: husk runs in a user namespace as the user.
	Rootless bool
	// SingleID: that namespace maps only the user (no subordinate ids).
	SingleID bool
	// HostUID/HostGID are the user's ids on the host (keep-id).
	HostUID, HostGID uint32
	// Notices receives one-line notices (runtime fallback).
	Notices io.Writer
	// StateDir holds the runtimes' state directories (a container's
	// runtime that is not among Runtimes is found there again) and their
	// refusals of the host ("" to forget them).
	StateDir string
	// Cgroups is the host's cgroup set-up (nil: not detected, no cgroups).
	Cgroups *cgroups.Info
	// RuntimeDir is the user's runtime directory as the command decided
	// it ($XDG_RUNTIME_DIR or its fallback; "" for none): attach sockets
	// go there.
	RuntimeDir string
	// Events is the event journal (nil: events are not recorded).
	Events *events.Journal
	// Secrets are the user's secrets (nil: none can be used).
	Secrets *secrets.Store
	// HooksDirs are the directories of OCI hook files, later ones
	// overriding files of the same name in earlier ones.
	HooksDirs []string
	// CDISpecDirs are the directories of CDI spec files (nil: the
	// defaults, DefaultCDISpecDirs).
	CDISpecDirs []string
	// MonitorWaiter: the program links internal/monwait's C waiter (see
	// Monitor), which a monitor then hands the waiting over to.
	MonitorWaiter bool
}

// Stdio are the streams of a container.
type Stdio struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Started, if set, is called once the container's process runs.
	Started func(pid int)
	// ExtraFiles reach a foreground container's process, or an exec'd
	// one, as descriptors 3, 4, ... (--preserve-fds).
	ExtraFiles []*os.File
	// Early is the container's runtime, started before the container
	// existed (StartEarly), for a foreground run; nil: none.
	Early *Early

	// A monitor's (Monitor): handover is called once the process runs,
	// with the terminal's master if it has one, and returns only when it
	// could not take the process over (the launch then waits as usual,
	// copying the terminal). heldStderr is the read end of the pipe that
	// Stderr writes to: the runtime's complaints are read from it when a
	// create fails, instead of through a gate that needs a goroutine.
	handover   func(pid int, master *os.File)
	heldStderr *os.File
	// winsize is the size the held terminal gets before the process
	// starts (an attached monitor's: its command's terminal).
	winsize *unix.Winsize
	// monitored: the process waits as the container's monitor, which
	// restarts it as its restart policy says (restart_linux.go).
	monitored bool
}

// ErrCannotInvoke and ErrCommandNotFound classify runtime errors about the
// container's command (see oci.Classify).
var (
	ErrCannotInvoke    = oci.ErrCannotInvoke
	ErrCommandNotFound = oci.ErrCommandNotFound
)
