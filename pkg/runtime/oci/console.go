package oci

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// ConsoleSocket receives the pseudo-terminal master that the runtime
// creates for a container with process.terminal set.
type ConsoleSocket struct {
	path string
	l    *net.UnixListener
}

// NewConsoleSocket listens in a fresh private directory under the system
// temporary directory: socket paths are limited to 108 bytes, which a
// store path easily exceeds.
func NewConsoleSocket() (*ConsoleSocket, error) {
	dir, err := os.MkdirTemp("", "husk-tty-")
	if err != nil {
		return nil, fmt.Errorf("console socket directory: %w", err)
	}
	path := filepath.Join(dir, "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("listen on console socket: %w", err)
	}
	return &ConsoleSocket{path: path, l: l}, nil
}

// Path is the socket's path, for IO.ConsoleSocket.
func (c *ConsoleSocket) Path() string { return c.path }

// Receive waits for the runtime to send the master's fd.
func (c *ConsoleSocket) Receive() (*os.File, error) {
	conn, err := c.l.AcceptUnix()
	if err != nil {
		return nil, fmt.Errorf("accept console: %w", err)
	}
	defer conn.Close()
	buf := make([]byte, 64)
	oob := make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return nil, fmt.Errorf("receive console: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return nil, fmt.Errorf("receive console: no control message")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return nil, fmt.Errorf("receive console: no fd")
	}
	return os.NewFile(uintptr(fds[0]), "console"), nil
}

// Close stops listening and removes the socket.
func (c *ConsoleSocket) Close() error {
	err := c.l.Close()
	_ = os.RemoveAll(filepath.Dir(c.path))
	return err
}

// AttachConsole copies between the user's terminal and the container's
// console: the terminal goes raw, window size follows SIGWINCH. The
// returned function restores the terminal and waits for output to drain.
func AttachConsole(master *os.File, stdin io.Reader, stdout io.Writer, interactive bool) func() {
	var restore func()
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if st, err := term.MakeRaw(int(f.Fd())); err == nil {
			restore = func() { _ = term.Restore(int(f.Fd()), st) }
		}
		resize := func() {
			if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil {
				_ = unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, ws)
			}
		}
		resize()
		winch := make(chan os.Signal, 1)
		signal.Notify(winch, syscall.SIGWINCH)
		go func() {
			for range winch {
				resize()
			}
		}()
		prev := restore
		restore = func() {
			signal.Stop(winch)
			close(winch)
			prev()
		}
	}
	if interactive && stdin != nil {
		go func() { _, _ = io.Copy(master, stdin) }()
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// EIO once the container side closes: the normal end.
		_, _ = io.Copy(stdout, master)
	}()
	return func() {
		wg.Wait()
		master.Close()
		if restore != nil {
			restore()
		}
	}
}
