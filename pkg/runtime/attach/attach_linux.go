package attach

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"golang.org/x/term"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/detachkeys"
)

// Options say where the container's output goes and where its input
// comes from.
type Options struct {
	// Stdin is forwarded to the container's stdin if it was started with
	// it open; nil forwards nothing.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// DetachKeys is the sequence (ParseDetachKeys) that, typed on Stdin,
	// leaves the container running and ends Attach with ErrDetached; none
	// when empty.
	DetachKeys []byte
}

// Attach follows c's output until c exits, forwarding input as o says,
// and returns c's exit code. c must be running (runtime.ErrNotRunning).
func Attach(ctx context.Context, env runtime.Env, c *runtime.Container, o Options) (int, error) {
	if err := runtime.Refresh(env, c); err != nil {
		return 0, err
	}
	if !c.Alive() {
		return 0, fmt.Errorf("%w: %s", runtime.ErrNotRunning, c.Name)
	}
	// Input goes only once the output is being followed, so no answer is
	// missed.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	detached := make(chan struct{})
	restore, raw := func() {}, false
	var following func()
	if c.State.AttachSocket != "" && o.Stdin != nil {
		conn, err := net.Dial("unix", c.State.AttachSocket)
		if err != nil {
			return 0, fmt.Errorf("attach to the stdin of %s: %w", c.Name, err)
		}
		defer conn.Close()
		if f, ok := o.Stdin.(*os.File); ok && c.Config.TTY && term.IsTerminal(int(f.Fd())) {
			// As podman: keys go to the container's terminal as typed
			// (ctrl-q would stop output, ctrl-c end husk), and a detach
			// sequence can be seen.
			if st, err := term.MakeRaw(int(f.Fd())); err == nil {
				raw, restore = true, func() { _ = term.Restore(int(f.Fd()), st) }
				defer func() { restore() }()
			}
		}
		following = func() {
			go func() {
				_, err := io.Copy(conn, detachkeys.NewReader(o.Stdin, o.DetachKeys))
				switch {
				case errors.Is(err, ErrDetached):
					close(detached)
					cancel()
				case err == nil && !c.Config.TTY:
					// The input ended: so does the container's (podman's
					// conmon closes it too). The connection stays open
					// until the container exits, so that the monitor can
					// tell this from a detach.
					if uc, ok := conn.(*net.UnixConn); ok {
						_ = uc.CloseWrite()
					}
				}
			}()
		}
	}
	err := runtime.FollowLog(ctx, env, c, runtime.LogOptions{Follow: true, Tail: 0, Stdout: o.Stdout, Stderr: o.Stderr, Following: following})
	code := 0
	if err == nil {
		code, err = runtime.WaitExit(ctx, env, c)
	}
	select {
	case <-detached:
		// podman ends the line on the restored terminal.
		restore()
		restore = func() {}
		if raw {
			fmt.Fprintln(o.Stdout)
		}
		return 0, ErrDetached
	default:
	}
	return code, err
}
