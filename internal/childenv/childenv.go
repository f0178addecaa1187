// Package childenv names every environment variable that carries state
// from one husk process to another: a command that executes itself again
// to join its user namespace, the pause process, a detached container's
// monitor, the transfer helper. The variables are the only state that
// crosses an exec besides argv (global settings travel as flags, see
// cmd/husk/globals.go) and inherited descriptors, so they are listed in
// one place with who sets each one and who reads it. A test fails when
// husk's source (Go or C) uses a HUSK_ or _CONTAINERS_ name that is not
// here.
//
// join.c (pkg/userns) reads some of them before the Go runtime starts;
// it spells the names out, and the test checks them against this list.
package childenv

import "strings"

// Join: the user namespace a command joins before its Go runtime starts.
const (
	// JoinExpected ("1") marks a husk executed to join the pause
	// process's namespaces (userns.JoinByExec). Read by
	// userns.JoinWasExpected: when the join did not happen the process
	// must not try again.
	JoinExpected = "HUSK_JOIN_EXPECTED"

	// UsernsConfigured ("done"), RootlessUID and RootlessGID are set by
	// join.c's Go side (userns, join_cgo.go) once inside the namespace,
	// and read by userns.Current. The names are the ones
	// go.podman.io/storage/pkg/unshare reads to know it already runs in
	// a user namespace; join.c skips joining when UsernsConfigured is
	// set (a child of a joined husk is inside already).
	UsernsConfigured = "_CONTAINERS_USERNS_CONFIGURED"
	RootlessUID      = "_CONTAINERS_ROOTLESS_UID"
	RootlessGID      = "_CONTAINERS_ROOTLESS_GID"

	// UsernsMapping ("single-id" or "subordinate-ids") is set by join.c
	// beside them and read by userns.Current: how the namespace maps ids.
	UsernsMapping = "HUSK_USERNS_MAPPING"

	// NoJoin, set by the user (any value), makes join.c skip joining:
	// a debugging switch, documented in docs/design.md.
	NoJoin = "HUSK_NO_JOIN"

	// NoPause, set by the user (any value), makes a command set up a
	// user namespace of its own instead of starting or joining the
	// pause process: a debugging switch, documented in docs/design.md.
	NoPause = "HUSK_NO_PAUSE"

	// SmallPages, set by the user to a value other than "0", keeps
	// bin/husk's Go heap on small pages and leaves the runtime's own
	// chunks to fault in page by page (internal/hugeheap reads it in
	// C, before the Go runtime starts): documented in docs/design.md,
	// compared in bench/run-container.sh.
	SmallPages = "HUSK_SMALL_PAGES"

	// NoPrefault, set by the user to a value other than "0", leaves
	// bin/husk's code to be mapped page by page (internal/prefault reads
	// it in C, before the Go runtime starts): documented in
	// docs/design.md, compared in bench/run-container.sh.
	NoPrefault = "HUSK_NO_PREFAULT"
)

// Pause: the per-user process that holds the user namespace.
const (
	// PausePidFile is the file the pause process writes its pid to; set
	// by userns.EnsurePause and adoptPause, read by the pause process
	// (userns.RunPause). userns finds a pause process whose run
	// directory was wiped by this variable in its environment.
	PausePidFile = "HUSK_PAUSE_PIDFILE"

	// PauseReadyFD is the descriptor the pause process writes one byte
	// to once it waits in its final state (join.c, after PauseSleep).
	PauseReadyFD = "HUSK_PAUSE_READY_FD"

	// PauseSleep makes join.c wait forever before the Go runtime starts:
	// set by the pause process when it executes itself for the last time.
	PauseSleep = "HUSK_PAUSE_SLEEP"

	// AdoptPID and AdoptKind make a new pause process join the
	// namespaces of a process that still lives in them ("monitor",
	// "init" or "init-parent", see userns.AdoptKind) instead of reading
	// the pid file. Set by adoptPause, read and unset by join.c.
	AdoptPID  = "HUSK_ADOPT_PID"
	AdoptKind = "HUSK_ADOPT_KIND"
)

// Monitor: the process that runs a detached container.
const (
	// MonitorReadyFD is the descriptor the monitor reports the start's
	// outcome on; set by runtime.SpawnMonitor, read by runtime.Monitor.
	MonitorReadyFD = "HUSK_MONITOR_READY_FD"

	// MonitorLockFD is the monitor's descriptor of the container's start
	// lock, shared with the command that started it; set by
	// runtime.SpawnMonitor, read by runtime.Monitor.
	MonitorLockFD = "HUSK_MONITOR_LOCK_FD"

	// MonitorAttachFD is the monitor's end of a connection to the command
	// that shows the container's terminal itself (run -it, start -a):
	// the monitor sends the terminal's master over it and, once the
	// container exited, its exit code; set by
	// runtime.SpawnAttachedMonitor, read by runtime.Monitor.
	MonitorAttachFD = "HUSK_MONITOR_ATTACH_FD"

	// MonitorWinsize ("ROWS COLS") is the size of the attached command's
	// terminal, which the container's gets before it starts.
	MonitorWinsize = "HUSK_MONITOR_WINSIZE"

	// MonitorWait ("1") makes internal/monwait's constructor wait for
	// the container in C instead of starting the Go runtime: set by
	// runtime.Monitor when it executes itself once the container runs,
	// with the parameters below. Unset by monwait.c when it executes
	// husk again.
	MonitorWait = "HUSK_MONITOR_WAIT"

	// MonitorExited ("1") makes "husk __monitor ID" do the teardown of a
	// container whose exit monwait.c recorded (runtime.FinishMonitor)
	// instead of starting it; set by monwait.c, read by cmd/husk.
	MonitorExited = "HUSK_MONITOR_EXITED"

	// MonitorGo, set by the user or a test (any value), keeps the whole
	// monitor in Go, as before the C waiter: a debugging switch, read by
	// runtime.Monitor.
	MonitorGo = "HUSK_MONITOR_GO"

	// NoEarlyRuntime, set by the user or a test (any value), starts a
	// foreground run's runtime only once the container exists, not
	// beside its creation (runtime.Early): a debugging and benchmark
	// switch, read by cmd/husk's run.
	NoEarlyRuntime = "HUSK_NO_EARLY_RUNTIME"

	// The C waiter's parameters, set by runtime.Monitor, read by
	// monwait.c (which documents them): the container's init and its
	// start ticks, the descriptors "out,err,in,attach", the log and its
	// limits, the exit file, the attach socket's path.
	MonPid      = "HUSK_MON_PID"
	MonTicks    = "HUSK_MON_TICKS"
	MonFDs      = "HUSK_MON_FDS"
	MonLog      = "HUSK_MON_LOG"
	MonLogMax   = "HUSK_MON_LOG_MAX"
	MonLogFiles = "HUSK_MON_LOG_FILES"
	MonExit     = "HUSK_MON_EXIT"
	MonSock     = "HUSK_MON_SOCK"
	// MonHealthMS is the healthcheck's interval in milliseconds (unset:
	// the container's checks are not run periodically).
	MonHealthMS = "HUSK_MON_HEALTH_MS"
)

// Network: the rootless network namespace of the user's bridges.
const (
	// NetLinger, set by the user or a test, is how many seconds the
	// rootless network namespace (and its pasta) stays after its last
	// container: netns.DefaultLinger (60) when unset, 0 to take it down
	// at once (the test suite sets 0: its checks for leftovers run
	// right after the last container). Read by netns (linger_linux.go).
	NetLinger = "HUSK_NET_LINGER"

	// NetLingerSleep (seconds) makes linger.c (pkg/netns) sleep before
	// the Go runtime starts, then execute husk __netlinger again without
	// it; set by netns.startLinger.
	NetLingerSleep = "HUSK_NET_LINGER_SLEEP"
)

// Transfer helper: the binary that pulls and pushes for the command.
const (
	// TransferHelper, set by the user (or a test), names the helper
	// binary to run instead of looking for husk-transfer.
	TransferHelper = "HUSK_TRANSFER_HELPER"

	// ComposeHelper, set by the user (or a test), names the binary that
	// runs compose and kube instead of looking for husk-compose.
	ComposeHelper = "HUSK_COMPOSE_HELPER"

	// CallerVersion carries the calling husk's version to the helper,
	// which warns when its own differs.
	CallerVersion = "HUSK_CALLER_VERSION"
)

// Build jobs: the short processes the build engine starts in a chroot.
const (
	// SlimReexec names bin/husk-reexec; set by slimexec.Enable in the
	// helper once it checked that program, read by slimexec.c's
	// constructor in the helper's re-executed jobs, which then run there.
	SlimReexec = "HUSK_SLIM_REEXEC"
)

// Unshare is the environment of the command husk unshare runs: the
// caller's, with the store's paths (podman's names), without JoinExpected
// (a husk the command runs is inside the namespace already).
func Unshare(environ []string, graphRoot, runRoot string) []string {
	out := make([]string, 0, len(environ)+2)
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case JoinExpected, "CONTAINERS_GRAPHROOT", "CONTAINERS_RUNROOT":
			continue
		}
		out = append(out, kv)
	}
	return append(out, "CONTAINERS_GRAPHROOT="+graphRoot, "CONTAINERS_RUNROOT="+runRoot)
}

// All lists every name above, for the test that keeps the source honest.
var All = []string{
	JoinExpected, UsernsConfigured, RootlessUID, RootlessGID, UsernsMapping,
	NoJoin, NoPause, SmallPages, NoPrefault,
	PausePidFile, PauseReadyFD, PauseSleep, AdoptPID, AdoptKind,
	MonitorReadyFD, MonitorLockFD, MonitorAttachFD, MonitorWinsize, MonitorWait, MonitorExited, MonitorGo,
	MonPid, MonTicks, MonFDs, MonLog, MonLogMax, MonLogFiles, MonExit, MonSock,
	MonHealthMS,
	NetLinger, NetLingerSleep,
	TransferHelper, ComposeHelper, CallerVersion,
	SlimReexec,
}
