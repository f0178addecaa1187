package attach

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/husk-dev/husk/pkg/runtime"
)

// Options say where the container's output goes and where its input
// comes from.
type Options struct {
	// Stdin is forwarded to the container's stdin if it was started with
	// it open; nil forwards nothing.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
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
	var following func()
	if c.State.AttachSocket != "" && o.Stdin != nil {
		conn, err := net.Dial("unix", c.State.AttachSocket)
		if err != nil {
			return 0, fmt.Errorf("attach to the stdin of %s: %w", c.Name, err)
		}
		defer conn.Close()
		following = func() {
			go func() { _, _ = io.Copy(conn, o.Stdin) }()
		}
	}
	if err := runtime.FollowLog(ctx, env, c, runtime.LogOptions{Follow: true, Tail: 0, Stdout: o.Stdout, Stderr: o.Stderr, Following: following}); err != nil {
		return 0, err
	}
	return runtime.WaitExit(ctx, env, c)
}
