package oci

import (
	"context"
	"errors"
	"io"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Runtime is an OCI runtime husk may run containers with: a runtime
// binary with its state directory (CLI), or a fake in tests.
type Runtime interface {
	// Name identifies the runtime: it is recorded with each container,
	// so that later commands find the container's runtime, and shown in
	// notices and errors.
	Name() string
	// Driver returns the driver for a container whose runtime commands
	// take these global flags: CgroupFlags' for a new container, the ones
	// recorded with it for an existing one.
	Driver(flags []string) Driver
}

// Driver runs an OCI runtime's commands on containers.
//
// The contract every implementation keeps (ocitest.Suite checks it):
//
//   - Create makes the container from o.Bundle: its init process exists
//     with the bundle's namespaces, o's stdio (or terminal) and cgroup,
//     and waits for Start ("created"); its pid is in o.PidFile when Create
//     returns. With o.StartNow it is started too, in the same call. The
//     init is not the caller's child: a caller that waits for it becomes
//     child subreaper before Create. A command that cannot be found or
//     executed fails Create with an error that Classify recognises.
//   - Start lets a created container's init execute the container's
//     process ("running").
//   - Exec starts one more process in a running container and returns
//     once it runs, with its pid in o.PidFile (waited for like the init).
//   - Delete removes the container, killing what still runs of it first
//     (the runtime's delete --force). A container the runtime does not
//     know is no error, and costs no runtime execution.
//   - State reports the container's status and init pid; a container
//     the runtime does not know is an error wrapping ErrNotExist.
//   - Update gives a running container new resource limits.
//
// Failures the runtime reports are errors wrapping ErrRuntime (as *Error)
// with the runtime's own message; Start, Exec and Update of a container
// the runtime does not know fail so.
//
// Signals are not a driver's business: the caller is the parent (or
// subreaper) of the container's processes and signals their pids, and a
// cgroup's cgroup.kill ends them all, without a runtime execution.
//
// A Driver may be used from several goroutines, and several processes
// may drive containers under the same state directory at once (each
// runtime command takes the runtime's own lock). Commands on one
// container are serialized by the caller (the container's lock, or the
// process starting it).
type Driver interface {
	Create(ctx context.Context, id string, o CreateOptions) error
	Start(ctx context.Context, id string) error
	Exec(ctx context.Context, id string, o ExecOptions) error
	Delete(ctx context.Context, id string, o DeleteOptions) error
	State(ctx context.Context, id string) (State, error)
	Update(ctx context.Context, id string, r *specs.LinuxResources) error
}

// IO wires up a new process: a container's init or an exec'd process.
type IO struct {
	// PidFile receives the process's pid.
	PidFile string
	// ConsoleSocket, when set, receives the master of the process's new
	// terminal (see ConsoleSocket); the streams below are then unused.
	ConsoleSocket string
	// The process's stdio (nil: /dev/null). The runtime hands its own
	// stdio to the process, so an *os.File reaches it as it is; any other
	// reader or writer would hold Create until the process has exited.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// CgroupFD, when not nil, is the cgroup v2 directory the process is
	// born in (the runtime is started there).
	CgroupFD *os.File
	// ExtraFiles reach the process as descriptors 3, 4, ... (the
	// runtime's --preserve-fds).
	ExtraFiles []*os.File
}

// CreateOptions are what Create needs besides the container's id.
type CreateOptions struct {
	// Bundle is the directory holding config.json; the runtime's log of
	// the call goes there too.
	Bundle string
	// StartNow creates and starts in one runtime call ("run --detach"),
	// for containers that need nothing done in the created state: one
	// runtime execution less (~10 ms).
	StartNow bool
	// DropGroups starts the runtime without supplementary groups, as runc
	// is when it makes the container's user namespace itself. Joining one
	// made beforehand (for the network), it would keep groups that
	// namespace does not map, and a directory whose group bits deny what
	// its others bits allow (the store, 0701) would then be closed to it.
	DropGroups bool
	IO
}

// ExecOptions are what Exec needs besides the container's id.
type ExecOptions struct {
	// Process is the process to start (config.json's process section).
	Process *specs.Process
	// IO's PidFile names a file in a directory where the driver may keep
	// the call's own files for as long as the call lasts.
	IO
}

// DeleteOptions say what the caller knows about the container it deletes.
type DeleteOptions struct {
	// Reaped: the container's init has exited and the caller has waited
	// for it. A driver may then remove the container without the
	// runtime: the runc driver does in-process what runc delete does for
	// a stopped container, where it can vouch for the result.
	Reaped bool
	// KeepCgroup is a cgroup directory the caller made for the container
	// and removes itself; an in-process delete leaves it alone.
	KeepCgroup string
}

// Status is a container's status as the runtime sees it.
type Status string

// The statuses of the OCI runtime spec.
const (
	StatusCreating Status = "creating"
	StatusCreated  Status = "created"
	StatusRunning  Status = "running"
	StatusStopped  Status = "stopped"
	StatusPaused   Status = "paused"
)

// State is the runtime's view of a container.
type State struct {
	Status Status `json:"status"`
	Pid    int    `json:"pid"`
}

// ErrRuntime is wrapped by every failure a runtime reports.
var ErrRuntime = errors.New("OCI runtime error")

// ErrNotExist is wrapped by State's error for a container the runtime
// does not know.
var ErrNotExist = errors.New("the runtime has no such container")

// Error is a failure a runtime reported.
type Error struct {
	// Runtime and Op name the runtime and its command ("runc", "create").
	Runtime, Op string
	// Msg is the runtime's own message: the last error of its log, else
	// of its stderr ("" when it said nothing).
	Msg string
	// Err is how the runtime's execution ended (an exit status).
	Err error
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return ErrRuntime.Error() + ": " + e.Runtime + " " + e.Op + ": " + msg
}

// Unwrap makes the error match ErrRuntime.
func (e *Error) Unwrap() error { return ErrRuntime }
