package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// OCI drives one OCI runtime binary (runc or crun). Its state lives under
// Root, which must be private to the user.
//
// Contract: Create leaves the container in the "created" state with its
// init process waiting; Start lets it exec the user's process; Kill sends a
// signal; Delete removes the runtime's state (Force kills first). Errors
// carry the runtime's own message.
type OCI struct {
	Name string
	Path string
	Root string
	// Global are flags before the command (the cgroup manager).
	Global []string
}

// With returns the runtime with these global flags.
func (r *OCI) With(global []string) *OCI {
	c := *r
	c.Global = global
	return &c
}

// CreateOptions are the stdio and files runtime create gets.
type CreateOptions struct {
	// StartNow creates and starts in one runtime call ("run --detach"),
	// for containers that need nothing done in the created state: one
	// runtime process less (~10 ms).
	StartNow      bool
	Bundle        string
	PidFile       string
	ConsoleSocket string
	Stdin         io.Reader
	Stdout        io.Writer
	Stderr        io.Writer
	// CgroupFD, when not nil, is the cgroup the runtime process (and so
	// the container) is born in.
	CgroupFD *os.File
}

// ErrRuntime wraps a failure reported by the runtime binary.
var ErrRuntime = errors.New("OCI runtime error")

func (r *OCI) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append(append([]string{"--root", r.Root}, r.Global...), args...)
	cmd := exec.CommandContext(ctx, r.Path, full...)
	cmd.Env = os.Environ()
	return cmd
}

// run executes the runtime and returns its error with stderr's text.
func (r *OCI) run(cmd *exec.Cmd, what string) error {
	var errb bytes.Buffer
	if cmd.Stderr == nil {
		cmd.Stderr = &errb
	}
	err := cmd.Run()
	if err == nil {
		return nil
	}
	msg := runtimeMessage(errb.String())
	if msg == "" {
		msg = err.Error()
	}
	return fmt.Errorf("%w: %s %s: %s", ErrRuntime, r.Name, what, msg)
}

// runtimeMessage reduces runc/crun stderr (plain or logrus-formatted) to
// its last meaningful line.
func runtimeMessage(s string) string {
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

// Create runs "runtime create". The container's stdio are the given
// streams (the runtime hands its own stdio to the container) unless a
// console socket is used; the runtime's own messages go to a log file in
// the bundle so they never mix with the container's output.
func (r *OCI) Create(ctx context.Context, id string, o CreateOptions) error {
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
	cmd := r.command(ctx, append(args, id)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, o.Stdout, o.Stderr
	// Keep the runtime (and so the container) out of husk's terminal
	// signals: husk forwards what it receives.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if o.CgroupFD != nil {
		cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(o.CgroupFD.Fd())
	}
	if err := cmd.Run(); err != nil {
		msg := logMessage(logPath)
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("%w: %s %s: %s", ErrRuntime, r.Name, verb[0], msg)
	}
	return nil
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
	return runtimeMessage(string(b))
}

// Start runs "runtime start".
func (r *OCI) Start(ctx context.Context, id string) error {
	return r.run(r.command(ctx, "start", id), "start")
}

// Kill sends sig to the container's init (all processes with all).
func (r *OCI) Kill(ctx context.Context, id string, sig syscall.Signal, all bool) error {
	args := []string{"kill"}
	if all {
		args = append(args, "--all")
	}
	return r.run(r.command(ctx, append(args, id, strconv.Itoa(int(sig)))...), "kill")
}

// Delete removes the container's runtime state; force kills it first.
func (r *OCI) Delete(ctx context.Context, id string, force bool) error {
	args := []string{"delete"}
	if force {
		args = append(args, "--force")
	}
	return r.run(r.command(ctx, append(args, id)...), "delete")
}

// RuntimeState is the runtime's view of a container.
type RuntimeState struct {
	Status string `json:"status"`
	Pid    int    `json:"pid"`
}

// State runs "runtime state".
func (r *OCI) State(ctx context.Context, id string) (RuntimeState, error) {
	var st RuntimeState
	cmd := r.command(ctx, "state", id)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return st, fmt.Errorf("%w: %s state: %s", ErrRuntime, r.Name, runtimeMessage(errb.String()))
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		return st, fmt.Errorf("parse %s state: %w", r.Name, err)
	}
	return st, nil
}
