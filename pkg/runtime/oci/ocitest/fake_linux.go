package ocitest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// Fake is an in-process OCI runtime (oci.Runtime and its drivers).
type Fake struct {
	name string
	// Fail, when set, is asked before each command ("create", "start",
	// "exec", "delete", "state", "update"); an error it returns becomes
	// the runtime's failure (an *oci.Error with its text as message).
	Fail func(op, id string) error

	mu    sync.Mutex
	ctrs  map[string]*container
	calls []string
}

type container struct {
	pid    int
	status oci.Status
	// gate holds a created container's process until Start writes to it.
	gate  *os.File
	flags []string
	res   *specs.LinuxResources
}

// NewFake returns a fake runtime called name.
func NewFake(name string) *Fake {
	return &Fake{name: name, ctrs: map[string]*container{}}
}

// Name implements oci.Runtime.
func (f *Fake) Name() string { return f.name }

// Driver implements oci.Runtime.
func (f *Fake) Driver(flags []string) oci.Driver { return &driver{f: f, flags: flags} }

// Calls returns the commands given so far, each as "op id" (with the
// global flags after a "|" when there were any).
func (f *Fake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// Known reports whether the runtime has the container.
func (f *Fake) Known(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ctrs[id] != nil
}

// Resources returns the last limits Update gave the container.
func (f *Fake) Resources(id string) *specs.LinuxResources {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.ctrs[id]; c != nil {
		return c.res
	}
	return nil
}

type driver struct {
	f     *Fake
	flags []string
}

// begin records the call and asks Fail about it.
func (d *driver) begin(op, id string) error {
	call := op + " " + id
	if len(d.flags) > 0 {
		call += " | " + strings.Join(d.flags, " ")
	}
	d.f.mu.Lock()
	d.f.calls = append(d.f.calls, call)
	d.f.mu.Unlock()
	if d.f.Fail != nil {
		if err := d.f.Fail(op, id); err != nil {
			return d.failure(op, err.Error())
		}
	}
	return nil
}

func (d *driver) failure(op, msg string) error {
	return &oci.Error{Runtime: d.f.name, Op: op, Msg: msg, Err: errors.New("exit status 1")}
}

func (d *driver) lookup(id string) *container {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	return d.f.ctrs[id]
}

// Create implements oci.Driver: the process of config.json runs on the
// host, held until Start unless o.StartNow.
func (d *driver) Create(ctx context.Context, id string, o oci.CreateOptions) error {
	op := "create"
	if o.StartNow {
		op = "run"
	}
	if err := d.begin(op, id); err != nil {
		return err
	}
	if d.lookup(id) != nil {
		return d.failure(op, fmt.Sprintf("container with id exists: %s", id))
	}
	b, err := os.ReadFile(filepath.Join(o.Bundle, "config.json"))
	if err != nil {
		return d.failure(op, err.Error())
	}
	var s specs.Spec
	if err := json.Unmarshal(b, &s); err != nil || s.Process == nil {
		return d.failure(op, fmt.Sprintf("parse config.json: %v", err))
	}
	c := &container{status: oci.StatusCreated, flags: d.flags}
	if o.StartNow {
		c.status = oci.StatusRunning
	}
	if c.pid, c.gate, err = d.spawn(op, s.Process, o.IO, !o.StartNow); err != nil {
		return err
	}
	d.f.mu.Lock()
	d.f.ctrs[id] = c
	d.f.mu.Unlock()
	return nil
}

// Start implements oci.Driver.
func (d *driver) Start(ctx context.Context, id string) error {
	if err := d.begin("start", id); err != nil {
		return err
	}
	c := d.lookup(id)
	if c == nil {
		return d.failure("start", "container does not exist")
	}
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	if c.status != oci.StatusCreated || c.gate == nil {
		return d.failure("start", "cannot start a container that has stopped")
	}
	_, err := c.gate.Write([]byte("\n"))
	c.gate.Close()
	c.gate, c.status = nil, oci.StatusRunning
	if err != nil {
		return d.failure("start", err.Error())
	}
	return nil
}

// Exec implements oci.Driver.
func (d *driver) Exec(ctx context.Context, id string, o oci.ExecOptions) error {
	if err := d.begin("exec", id); err != nil {
		return err
	}
	c := d.lookup(id)
	if c == nil || !alive(c.pid) {
		return d.failure("exec", "cannot exec in a stopped container")
	}
	_, _, err := d.spawn("exec", o.Process, o.IO, false)
	return err
}

// Delete implements oci.Driver: --force kills what runs.
func (d *driver) Delete(ctx context.Context, id string, o oci.DeleteOptions) error {
	c := d.lookup(id)
	if c == nil {
		return nil // unknown: no runtime execution, no call
	}
	if err := d.begin("delete", id); err != nil {
		return err
	}
	if alive(c.pid) {
		_ = unix.Kill(c.pid, unix.SIGKILL)
	}
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	if c.gate != nil {
		c.gate.Close()
	}
	delete(d.f.ctrs, id)
	return nil
}

// State implements oci.Driver.
func (d *driver) State(ctx context.Context, id string) (oci.State, error) {
	c := d.lookup(id)
	if c == nil {
		return oci.State{}, fmt.Errorf("%w: %s %s", oci.ErrNotExist, d.f.name, id)
	}
	if err := d.begin("state", id); err != nil {
		return oci.State{}, err
	}
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	st := oci.State{Status: c.status, Pid: c.pid}
	if !alive(c.pid) {
		st.Status = oci.StatusStopped
	}
	return st, nil
}

// Update implements oci.Driver.
func (d *driver) Update(ctx context.Context, id string, r *specs.LinuxResources) error {
	if err := d.begin("update", id); err != nil {
		return err
	}
	c := d.lookup(id)
	if c == nil {
		return d.failure("update", "container does not exist")
	}
	d.f.mu.Lock()
	c.res = r
	d.f.mu.Unlock()
	return nil
}

// alive reports whether pid runs (a zombie does not).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && len(s) > i+2 && s[i+2] != 'Z' && s[i+2] != 'X'
}

// spawn runs p as the runtime would: in a process that is not the
// caller's child (a shell forks it and exits, so that it is re-parented to
// the subreaper), with its pid in io.PidFile. held makes it wait for a
// line on the returned gate before it executes p. Without held it still
// waits until the shell is gone: a process that ended while the shell
// ran could be reaped by the shell, and the caller's wait for it would
// find no such child.
func (d *driver) spawn(op string, p *specs.Process, io oci.IO, held bool) (int, *os.File, error) {
	if p == nil || len(p.Args) == 0 {
		return 0, nil, d.failure(op, "process args empty")
	}
	if _, err := exec.LookPath(p.Args[0]); err != nil {
		// runc's words, which oci.Classify knows.
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return 0, nil, d.failure(op, fmt.Sprintf("exec: %q: executable file not found in $PATH", p.Args[0]))
		}
		return 0, nil, d.failure(op, fmt.Sprintf("exec %s: permission denied", p.Args[0]))
	}
	// (The shell gives a background job /dev/null as stdin: fd 4 keeps
	// the real one for it.)
	run := `exec "$@"`
	if io.ConsoleSocket != "" {
		// The process leads a session with the terminal as its own, as a
		// container's does.
		run = `exec setsid --ctty "$@"`
	}
	script := `exec 4<&0; ( read _ <&3; exec 0<&4 3<&- 4<&-; ` + run + ` ) & exec 3<&-; echo $! > "$FAKE_PIDFILE"`
	cmd := exec.Command("/bin/sh", append([]string{"-c", script, "sh"}, p.Args...)...)
	cmd.Env = append(append([]string(nil), p.Env...), "FAKE_PIDFILE="+io.PidFile)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = io.Stdin, io.Stdout, io.Stderr
	var slave *os.File
	gateR, gateW, err := os.Pipe()
	if err != nil {
		return 0, nil, d.failure(op, err.Error())
	}
	defer gateR.Close()
	cmd.ExtraFiles = []*os.File{gateR}
	if io.ConsoleSocket != "" {
		if slave, err = sendTerminal(io.ConsoleSocket); err != nil {
			closeFile(gateW)
			return 0, nil, d.failure(op, err.Error())
		}
		defer slave.Close()
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	}
	if io.CgroupFD != nil {
		if cmd.SysProcAttr == nil {
			cmd.SysProcAttr = &unix.SysProcAttr{}
		}
		cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(io.CgroupFD.Fd())
	}
	if err := cmd.Run(); err != nil {
		closeFile(gateW)
		return 0, nil, d.failure(op, err.Error())
	}
	b, err := os.ReadFile(io.PidFile)
	pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || perr != nil {
		closeFile(gateW)
		return 0, nil, d.failure(op, fmt.Sprintf("no pid: %v %v", err, perr))
	}
	if !held {
		// The shell has exited: the process may go on.
		gateW.Close()
		return pid, nil, nil
	}
	return pid, gateW, nil
}

func closeFile(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// OpenPty makes a pseudo-terminal and returns its master and slave (the
// caller's controlling terminal stays as it is).
func OpenPty() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open pty: %w", err)
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("unlock pty: %w", err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("pty number: %w", err)
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("open pty slave: %w", err)
	}
	return master, slave, nil
}

// sendTerminal makes a pseudo-terminal, sends its master to the console
// socket as runc does, and returns its slave for the process.
func sendTerminal(socket string) (*os.File, error) {
	master, slave, err := OpenPty()
	if err != nil {
		return nil, err
	}
	defer master.Close()
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err == nil {
		defer unix.Close(fd)
		err = unix.Connect(fd, &unix.SockaddrUnix{Name: socket})
	}
	if err == nil {
		err = unix.Sendmsg(fd, []byte("/dev/ptmx"), unix.UnixRights(int(master.Fd())), nil, 0)
	}
	if err != nil {
		slave.Close()
		return nil, fmt.Errorf("send terminal: %w", err)
	}
	return slave, nil
}
