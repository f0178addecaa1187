package runtime

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// monitorOutput is the container's stdout and stderr as the monitor
// receives them: pipes whose read ends are copied to the log, by
// goroutines (copy) or by the C waiter. With --log-driver none stdout is
// /dev/null and stderr a pipe whose output is dropped once the container
// runs (it carries the runtime's complaints while it creates it).
type monitorOutput struct {
	logf             *LogFile
	stdoutR, stderrR *os.File
	stdoutW, stderrW *os.File
	copying          bool
	copies           sync.WaitGroup
}

func openMonitorOutput(c *Container) (*monitorOutput, error) {
	o := &monitorOutput{}
	var err error
	if c.Config.LogDriver == LogDriverNone {
		o.stdoutW, err = os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	} else {
		// Opened here also when the C waiter writes it: a log that cannot
		// be written fails the start, not the output.
		o.logf, err = OpenLog(c.LogPath(), c.logLimits())
		if err == nil {
			o.stdoutR, o.stdoutW, err = os.Pipe()
		}
	}
	if err == nil {
		o.stderrR, o.stderrW, err = os.Pipe()
	}
	if err != nil {
		o.close()
		return nil, fmt.Errorf("container output: %w", err)
	}
	return o, nil
}

// logLimits are the container's log limits as given.
func (c *Container) logLimits() LogLimits {
	return LogLimits{MaxSize: c.Config.LogMaxSize, MaxFiles: c.Config.LogMaxFiles}
}

// copy starts copying the output to the log (once).
func (o *monitorOutput) copy() {
	if o.copying {
		return
	}
	o.copying = true
	if o.logf == nil {
		o.copies.Add(1)
		go func() { defer o.copies.Done(); _, _ = io.Copy(io.Discard, o.stderrR) }()
		return
	}
	o.copies.Add(2)
	go func() { defer o.copies.Done(); o.logf.Copy("stdout", o.stdoutR) }()
	go func() { defer o.copies.Done(); o.logf.Copy("stderr", o.stderrR) }()
}

// drain waits for the copies to end, but not long: a process the
// container left behind may still hold the pipes.
func (o *monitorOutput) drain() {
	done := make(chan struct{})
	go func() { o.copies.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
}

func (o *monitorOutput) close() {
	if o.logf != nil {
		o.logf.Close()
	}
	for _, f := range []*os.File{o.stdoutR, o.stderrR, o.stdoutW, o.stderrW} {
		if f != nil {
			f.Close()
		}
	}
}

// monitorInput is the stdin of a container run with -i: a pipe that the
// attach socket feeds, by goroutines (serve) or by the C waiter. nil
// without -i.
type monitorInput struct {
	r, w *os.File
	l    *net.UnixListener // nil when the socket could not be made
	path string
	once sync.Once
	// tty: the pipe feeds a terminal, whose input never ends.
	tty    bool
	closed sync.Once
}

// openMonitorInput makes the pipe and listens on the socket (when it can
// be made; else nothing feeds the pipe), recorded in c's state.
func openMonitorInput(c *Container, runtimeDir string) (*monitorInput, error) {
	if !c.Config.Interactive {
		return nil, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("stdin pipe: %w", err)
	}
	in := &monitorInput{r: r, w: w, tty: c.Config.TTY}
	if l, path, err := listenAttach(c, runtimeDir); err == nil {
		in.l, in.path = l.(*net.UnixListener), path
		c.State.AttachSocket = path
	}
	return in, nil
}

// reader is the container's stdin (nil without -i).
func (in *monitorInput) reader() io.Reader {
	if in == nil {
		return nil
	}
	return in.r
}

// serve copies each connection to the socket into the pipe. A connection
// closed whole (a detach) leaves the pipe open for the next one; one that
// was only shut down for writing (the attach's input ended) closes it
// without a terminal, as the C waiter does.
func (in *monitorInput) serve() {
	if in == nil || in.l == nil {
		return
	}
	in.once.Do(func() {
		go func() {
			for {
				conn, err := in.l.Accept()
				if err != nil {
					return
				}
				go func() {
					_, err := io.Copy(in.w, conn)
					if err == nil && !in.tty && halfClosed(conn) {
						in.closed.Do(func() { in.w.Close() })
					}
					conn.Close()
				}()
			}
		}()
	})
}

// stop closes the socket.
func (in *monitorInput) stop() {
	if in == nil || in.l == nil {
		return
	}
	in.l.Close()
	os.Remove(in.path)
}

// listenAttach listens on the container's attach socket: in the runtime
// directory, or under the system temporary directory when that path would
// exceed the 108-byte limit of socket names.
func listenAttach(c *Container, runtimeDir string) (net.Listener, string, error) {
	dir := filepath.Join(runtimeDir, "husk", "attach")
	path := filepath.Join(dir, c.ID[:12]+".sock")
	if len(path) > 100 || runtimeDir == "" {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("husk-attach-%d", os.Getuid()))
		path = filepath.Join(dir, c.ID[:12]+".sock")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	_ = os.Remove(path)
	l, err := net.Listen("unix", path)
	return l, path, err
}

// halfClosed reports whether the peer of conn, which has read its end,
// shut down only its writing side (no hang-up yet).
func halfClosed(conn net.Conn) bool {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	hup := true
	_ = rc.Control(func(fd uintptr) {
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if n, err := unix.Poll(p, 0); err == nil && n == 1 {
			hup = p[0].Revents&unix.POLLHUP != 0
		}
	})
	return !hup
}
