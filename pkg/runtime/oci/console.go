package oci

import (
	"errors"
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

	"github.com/husk-dev/husk/pkg/runtime/detachkeys"
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
	return NewConsole(master, ConsoleIO{Stdin: stdin, Stdout: stdout, Interactive: interactive}).Finish
}

// ConsoleIO is what a console is attached to.
type ConsoleIO struct {
	Stdin  io.Reader
	Stdout io.Writer
	// Interactive copies Stdin to the console.
	Interactive bool
	// DetachKeys (detachkeys.Parse), typed on Stdin, end the copy of
	// input and close Detached; none when empty.
	DetachKeys []byte
}

// Console is a container's console attached to the user's terminal.
type Console struct {
	master   *os.File
	restore  func()
	copied   sync.WaitGroup
	detached chan struct{}
	// out is Stdout until Release, then nothing.
	mu  sync.Mutex
	out io.Writer
}

// NewConsole attaches master as AttachConsole does, with o.DetachKeys
// watched for in the input.
func NewConsole(master *os.File, o ConsoleIO) *Console {
	c := &Console{master: master, restore: func() {}, detached: make(chan struct{}), out: o.Stdout}
	if f, ok := o.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		c.follow(f)
	}
	if o.Interactive && o.Stdin != nil {
		go func() {
			if _, err := io.Copy(master, detachkeys.NewReader(o.Stdin, o.DetachKeys)); errors.Is(err, detachkeys.ErrDetached) {
				close(c.detached)
			}
		}()
	}
	c.copied.Add(1)
	go func() {
		defer c.copied.Done()
		// EIO once the container side closes: the normal end.
		_, _ = io.Copy(c, master)
	}()
	return c
}

// follow puts the user's terminal f in raw mode and gives its size to the
// console, now and on every SIGWINCH.
func (c *Console) follow(f *os.File) {
	if st, err := term.MakeRaw(int(f.Fd())); err == nil {
		c.restore = func() { _ = term.Restore(int(f.Fd()), st) }
	}
	resize := func() {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil {
			_ = unix.IoctlSetWinsize(int(c.master.Fd()), unix.TIOCSWINSZ, ws)
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
	raw := c.restore
	c.restore = func() {
		signal.Stop(winch)
		close(winch)
		raw()
	}
}

// Write passes the console's output on, until Release.
func (c *Console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out == nil {
		return len(p), nil
	}
	return c.out.Write(p)
}

// Detached is closed when the user typed the detach keys.
func (c *Console) Detached() <-chan struct{} { return c.detached }

// Finish waits for the output to drain, closes the console and restores
// the terminal.
func (c *Console) Finish() {
	c.copied.Wait()
	c.master.Close()
	c.restore()
}

// Release lets the console go without waiting for its end: from now on
// its output is read and dropped, and the terminal is restored. It
// returns the console, still open, for whoever reads it once this
// process is gone.
func (c *Console) Release() *os.File {
	c.mu.Lock()
	c.out = nil
	c.mu.Unlock()
	c.restore()
	return c.master
}
