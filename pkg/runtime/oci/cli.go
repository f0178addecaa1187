package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// CLI drives a runtime binary through its command line: runc and crun are
// two configurations of it. Its state lives under its root directory,
// which must be private to the user.
type CLI struct {
	name, path, root string
	// flags come before every command (the cgroup manager); extra too,
	// after them (--runtime-flag).
	flags, extra []string
}

// NewCLI returns the runtime named name, run from path, with its state
// under root.
func NewCLI(name, path, root string) *CLI {
	return &CLI{name: name, path: path, root: root}
}

// Name implements Runtime.
func (r *CLI) Name() string { return r.name }

// Driver implements Runtime.
func (r *CLI) Driver(flags []string) Driver {
	c := *r
	c.flags = flags
	return &c
}

func (r *CLI) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append([]string{"--root", r.root}, r.flags...)
	full = append(append(full, r.extra...), args...)
	cmd := exec.CommandContext(ctx, r.path, full...)
	cmd.Env = withoutNotifySocket(os.Environ())
	return cmd
}

// run executes the runtime and returns its error with stderr's text.
func (r *CLI) run(cmd *exec.Cmd, op string) error {
	var errb bytes.Buffer
	if cmd.Stderr == nil {
		cmd.Stderr = &errb
	}
	if err := cmd.Run(); err != nil {
		return &Error{Runtime: r.name, Op: op, Msg: Message(errb.String()), Err: err}
	}
	return nil
}

// runLogged executes the runtime with its log in logPath: the process's
// stdio are the runtime's, so its own messages must go elsewhere.
func (r *CLI) runLogged(cmd *exec.Cmd, logPath, op string) error {
	if err := cmd.Run(); err != nil {
		return &Error{Runtime: r.name, Op: op, Msg: logMessage(logPath), Err: err}
	}
	return nil
}

// known reports whether the runtime has state for the container.
func (r *CLI) known(id string) bool {
	_, err := os.Lstat(filepath.Join(r.root, id))
	return err == nil
}

// Create implements Driver with "runtime create" (or "run --detach"). The
// runtime's messages go to runtime.log in the bundle.
func (r *CLI) Create(ctx context.Context, id string, o CreateOptions) error {
	cmd, logPath, op, err := r.createCmd(ctx, id, o)
	if err != nil {
		return err
	}
	return r.runLogged(cmd, logPath, op)
}

// createCmd is the runtime command that Create runs.
func (r *CLI) createCmd(ctx context.Context, id string, o CreateOptions) (*exec.Cmd, string, string, error) {
	logPath := filepath.Join(o.Bundle, "runtime.log")
	verb := []string{"create"}
	if o.StartNow {
		verb = []string{"run", "--detach"}
	}
	args := append([]string{"--log", logPath, "--log-format", "json"}, verb...)
	args = append(args, "--bundle", o.Bundle, "--pid-file", o.PidFile)
	if o.ConsoleSocket != "" {
		args = append(args, "--console-socket", o.ConsoleSocket)
	}
	if len(o.ExtraFiles) > 0 {
		args = append(args, "--preserve-fds", strconv.Itoa(len(o.ExtraFiles)))
	}
	cmd := r.command(ctx, append(args, id)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, o.Stdout, o.Stderr
	cmd.ExtraFiles = o.ExtraFiles
	// Keep the runtime (and so the container) out of husk's terminal
	// signals: husk forwards what it receives.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if o.DropGroups {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid()), Groups: []uint32{}}
	}
	if err := bornIn(cmd, o.CgroupFD); err != nil {
		return nil, "", "", err
	}
	return cmd, logPath, verb[0], nil
}

// An EarlyCreate is a runtime create started before its container's
// config.json exists: the runtime starts (runc: its Go runtime and command
// line, ~20 ms) while husk still prepares the container. The bundle's
// config.json is then a symbolic link to the runtime's descriptor 3, the
// read end of a pipe that Deliver writes the spec into; a runtime whose
// spec never comes reads an incomplete one and exits without having
// created anything.
type EarlyCreate struct {
	r       *CLI
	cmd     *exec.Cmd
	logPath string
	op      string
	spec    *os.File // the pipe's write end
	exited  chan struct{}
	err     error
}

// EarlyConfigLink is what the bundle's config.json links to while an
// EarlyCreate waits for its spec.
const EarlyConfigLink = "/proc/self/fd/3"

// StartCreate starts the runtime for Create(context.Background(), id, o),
// reading its spec from a pipe (see EarlyCreate). o must pass no
// ExtraFiles: the pipe is the runtime's descriptor 3.
func (r *CLI) StartCreate(id string, o CreateOptions) (*EarlyCreate, error) {
	if len(o.ExtraFiles) > 0 {
		return nil, fmt.Errorf("early create: extra files")
	}
	cmd, logPath, op, err := r.createCmd(context.Background(), id, o)
	if err != nil {
		return nil, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{pr}
	err = cmd.Start()
	pr.Close()
	if err != nil {
		pw.Close()
		return nil, &Error{Runtime: r.name, Op: op, Err: err}
	}
	e := &EarlyCreate{r: r, cmd: cmd, logPath: logPath, op: op, spec: pw, exited: make(chan struct{})}
	go func() {
		e.err = cmd.Wait()
		close(e.exited)
	}()
	return e, nil
}

// Matches reports whether e runs the very command Create would run for
// id and o.
func (e *EarlyCreate) Matches(r *CLI, id string, o CreateOptions) bool {
	if len(o.ExtraFiles) > 0 || o.ConsoleSocket != "" {
		return false
	}
	// (Which cgroup it was born in is the caller's to compare.)
	cmd, _, _, err := r.createCmd(context.Background(), id, o)
	if err != nil || cmd.Path != e.cmd.Path || !slices.Equal(cmd.Args, e.cmd.Args) {
		return false
	}
	return o.DropGroups == (e.cmd.SysProcAttr.Credential != nil)
}

// Exited reports whether the runtime has already ended before its spec
// came (it failed on its own, e.g. found no bundle).
func (e *EarlyCreate) Exited() bool {
	select {
	case <-e.exited:
		return true
	default:
		return false
	}
}

// Deliver gives the runtime its spec and waits for it, as Create does.
func (e *EarlyCreate) Deliver(spec []byte) error {
	e.Send(spec)
	return e.Wait()
}

// Send starts giving the runtime its spec (Deliver without the wait).
func (e *EarlyCreate) Send(spec []byte) {
	go func() {
		// A runtime that exits without reading it all breaks the pipe.
		_, _ = e.spec.Write(spec)
		e.spec.Close()
	}()
}

// Wait waits for the runtime given its spec by Send, as Create does.
func (e *EarlyCreate) Wait() error {
	<-e.exited
	if e.err != nil {
		return &Error{Runtime: e.r.name, Op: e.op, Msg: logMessage(e.logPath), Err: e.err}
	}
	return nil
}

// Abandon ends a runtime that will get no spec: it reads an incomplete
// one and exits; Abandon waits for that.
func (e *EarlyCreate) Abandon() {
	e.spec.Close()
	<-e.exited
	// Its complaint is no later runtime call's.
	_ = os.Remove(e.logPath)
}

// Start implements Driver with "runtime start".
func (r *CLI) Start(ctx context.Context, id string) error {
	return r.run(r.command(ctx, "start", id), "start")
}

// Exec implements Driver with "runtime exec --detach": runc accepts a
// console socket only so. The process description and the runtime's log
// go next to the pid file.
func (r *CLI) Exec(ctx context.Context, id string, o ExecOptions) error {
	pf, err := os.CreateTemp(filepath.Dir(o.PidFile), "exec-*.json")
	if err != nil {
		return fmt.Errorf("exec process file: %w", err)
	}
	defer os.Remove(pf.Name())
	if err := json.NewEncoder(pf).Encode(o.Process); err != nil {
		pf.Close()
		return fmt.Errorf("exec process file: %w", err)
	}
	if err := pf.Close(); err != nil {
		return fmt.Errorf("exec process file: %w", err)
	}
	logPath := pf.Name() + ".log"
	defer os.Remove(logPath)
	args := []string{"--log", logPath, "--log-format", "json", "exec", "--detach", "--pid-file", o.PidFile, "--process", pf.Name()}
	if o.ConsoleSocket != "" {
		args = append(args, "--tty", "--console-socket", o.ConsoleSocket)
	}
	if len(o.ExtraFiles) > 0 {
		args = append(args, "--preserve-fds", strconv.Itoa(len(o.ExtraFiles)))
	}
	cmd := r.command(ctx, append(args, id)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, o.Stdout, o.Stderr
	cmd.ExtraFiles = o.ExtraFiles
	if err := bornIn(cmd, o.CgroupFD); err != nil {
		return err
	}
	return r.runLogged(cmd, logPath, "exec")
}

// Delete implements Driver with "runtime delete --force", or in-process
// for a reaped runc container (see deleteStopped).
func (r *CLI) Delete(ctx context.Context, id string, o DeleteOptions) error {
	if !r.known(id) {
		return nil
	}
	if o.Reaped && r.deleteStopped(id, o.KeepCgroup) {
		return nil
	}
	return r.run(r.command(ctx, "delete", "--force", id), "delete")
}

// State implements Driver with "runtime state".
func (r *CLI) State(ctx context.Context, id string) (State, error) {
	var st State
	if !r.known(id) {
		return st, fmt.Errorf("%w: %s %s", ErrNotExist, r.name, id)
	}
	cmd := r.command(ctx, "state", id)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := r.run(cmd, "state"); err != nil {
		return st, err
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		return st, fmt.Errorf("parse %s state: %w", r.name, err)
	}
	return st, nil
}

// Update implements Driver with "runtime update --resources -".
func (r *CLI) Update(ctx context.Context, id string, res *specs.LinuxResources) error {
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	cmd := r.command(ctx, "update", "--resources", "-", id)
	cmd.Stdin = bytes.NewReader(b)
	return r.run(cmd, "update")
}

// Message reduces runc/crun stderr (plain or logrus-formatted) to its
// last meaningful line.
func Message(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if j := strings.Index(l, `msg="`); j >= 0 {
			if m, err := strconv.Unquote(l[j+4:]); err == nil {
				return m
			}
		}
		if j := strings.Index(l, "msg="); j >= 0 {
			return strings.Trim(l[j+4:], `"`)
		}
		return l
	}
	return ""
}

// logMessage returns the last error in a runtime's JSON log.
func logMessage(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var entry struct{ Level, Msg string }
		if json.Unmarshal([]byte(lines[i]), &entry) == nil && entry.Msg != "" && (entry.Level == "error" || entry.Level == "fatal" || entry.Level == "") {
			return entry.Msg
		}
	}
	return Message(string(b))
}

// Path is the runtime binary's path.
func (r *CLI) Path() string { return r.path }

// withoutNotifySocket is env without NOTIFY_SOCKET: runc and crun act on
// it themselves (runc's start then waits for the container's READY=1),
// while husk tells systemd itself (runtime.SdNotifyMode).
func withoutNotifySocket(env []string) []string {
	out := env[:0:0]
	for _, e := range env {
		if !strings.HasPrefix(e, "NOTIFY_SOCKET=") {
			out = append(out, e)
		}
	}
	return out
}
