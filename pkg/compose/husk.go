package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Husk runs husk commands: a compose operation is a sequence of them, so
// containers, networks and volumes are made by the code that makes them
// for "husk run", "husk network create" and "husk volume create".
//
// Run runs husk with args, its standard streams on s (nil: none). A
// command that ran and exited non-zero returns an *ExitError; husk has
// then said why on s.Err.
type Husk interface {
	Run(ctx context.Context, args []string, s Stdio) error
}

// Stdio are a husk command's standard streams.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
}

// ExitError is a husk command that exited non-zero.
type ExitError struct {
	Args []string
	Code int
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("husk %s exited with %d", strings.Join(e.Args, " "), e.Code)
}

// CLI runs the husk binary at Path.
type CLI struct {
	Path string
	// GlobalArgs come before every command (store, runtime, log level).
	GlobalArgs []string
	// Env is the environment (nil: this process's).
	Env []string
}

// Run implements Husk. Cancelled, the command gets SIGTERM (husk forwards
// it to a foreground container, and cleans up), then SIGKILL 15s later.
func (c *CLI) Run(ctx context.Context, args []string, s Stdio) error {
	cmd := exec.CommandContext(ctx, c.Path, append(append([]string{}, c.GlobalArgs...), args...)...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	cmd.Env = c.Env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.In, s.Out, s.Err
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code := ee.ExitCode()
		if code < 0 {
			code = 128 + int(syscall.SIGKILL)
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				code = 128 + int(ws.Signal())
			}
		}
		return &ExitError{Args: args, Code: code}
	}
	if err != nil {
		return fmt.Errorf("run %s: %w", c.Path, err)
	}
	return nil
}

// output runs a husk command and returns its standard output; its errors
// go to stderr.
func output(ctx context.Context, h Husk, stderr io.Writer, args ...string) (string, error) {
	var out bytes.Buffer
	err := h.Run(ctx, args, Stdio{Out: &out, Err: stderr})
	return out.String(), err
}

// quiet runs a husk command whose output and errors are not wanted, and
// tells whether it succeeded ("exists" commands).
func quiet(ctx context.Context, h Husk, args ...string) (bool, error) {
	err := h.Run(ctx, args, Stdio{})
	var ee *ExitError
	if errors.As(err, &ee) {
		return false, nil
	}
	return err == nil, err
}

// FindHusk finds the husk binary beside exe (the helper's own path): the
// command binary, which starts fastest; else exe itself, which has every
// command too.
func FindHusk(exe string) string {
	for _, p := range []string{filepathJoin(exe, "husk"), filepathJoin(exe, "../../bin/husk")} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return exe
}

func filepathJoin(exe, rel string) string { return filepath.Join(filepath.Dir(exe), rel) }
