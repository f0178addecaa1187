package runtime

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"
	"time"
)

// StartAttached is Start for a container whose output the caller shows
// (run without -d, start --attach): the output also goes to the
// container's log, as a detached container's does, so that "logs" shows
// it afterwards (podman's k8s-file driver does the same), unless
// --log-driver keeps none. When the log cannot be opened, the container
// runs without it.
func StartAttached(ctx context.Context, env Env, c *Container, stdio Stdio) (int, error) {
	if d := c.Config.LogDriver; d == LogDriverNone || d == LogDriverPassthrough {
		return Start(ctx, env, c, stdio) // --log-driver: no log kept
	}
	logf, err := OpenLog(c.LogPath(), LogLimits{MaxSize: c.Config.LogMaxSize, MaxFiles: c.Config.LogMaxFiles})
	if err != nil {
		return Start(ctx, env, c, stdio)
	}
	defer logf.Close()
	out, err := newLogTee(logf, "stdout", stdio.Stdout, stdio.Early)
	if err != nil {
		return Start(ctx, env, c, stdio)
	}
	errW := &logLineWriter{l: logf, stream: "stderr"}
	teed := stdio
	teed.Stdout = out.w
	if stdio.Stderr != nil {
		// The stderr gate (see launchIO) is already a pipe this process
		// copies from: a writer is enough.
		teed.Stderr = &teeWriter{show: stdio.Stderr, log: errW}
	}
	code, err := Start(ctx, env, c, teed)
	out.finish(2 * time.Second)
	errW.Close()
	return code, err
}

// logTee gives the container a pipe for one stream and copies what comes
// through it to the caller's writer, as it comes, and line by line to
// the log.
type logTee struct {
	w    *os.File
	r    *os.File
	done chan struct{}
}

func newLogTee(logf *LogFile, stream string, show io.Writer, early *Early) (*logTee, error) {
	// An early runtime's stdout is already this pipe (see Early).
	r, w, ok := early.tee()
	if !ok {
		var err error
		if r, w, err = os.Pipe(); err != nil {
			return nil, err
		}
	}
	t := &logTee{w: w, r: r, done: make(chan struct{})}
	lw := &logLineWriter{l: logf, stream: stream}
	go func() {
		defer close(t.done)
		defer lw.Close()
		buf := make([]byte, 32*1024)
		tw := &teeWriter{show: show, log: lw}
		for {
			n, err := r.Read(buf)
			if n > 0 {
				_, _ = tw.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	return t, nil
}

// finish closes this process's end of the pipe and waits for the copy
// to reach EOF, but not longer than limit: a daemon the container left
// behind may hold the pipe.
func (t *logTee) finish(limit time.Duration) {
	t.w.Close()
	select {
	case <-t.done:
	case <-time.After(limit):
	}
	t.r.Close()
}

// teeWriter shows what is written and logs it; a caller that stopped
// reading (a closed pipe) does not stop the log.
type teeWriter struct {
	show io.Writer
	log  io.Writer
	dead bool
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if t.show != nil && !t.dead {
		if _, err := t.show.Write(b); err != nil {
			t.dead = true
		}
	}
	_, _ = t.log.Write(b)
	return len(b), nil
}

// logLineWriter cuts what is written to it into log lines: a line is
// logged once its newline comes, or in pieces marked partial when longer
// than logLineMax; Close logs what is left as a partial line.
type logLineWriter struct {
	mu     sync.Mutex
	l      *LogFile
	stream string
	buf    []byte
}

func (w *logLineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			w.buf = append(w.buf, b...)
			b = nil
		} else {
			w.buf = append(w.buf, b[:i]...)
			b = b[i+1:]
		}
		for len(w.buf) > logLineMax {
			w.l.writeEntry(w.stream, true, w.buf[:logLineMax])
			w.buf = append(w.buf[:0], w.buf[logLineMax:]...)
		}
		if i >= 0 {
			w.l.writeEntry(w.stream, false, w.buf)
			w.buf = w.buf[:0]
		}
	}
	return n, nil
}

// Close logs an unfinished last line.
func (w *logLineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.l.writeEntry(w.stream, true, w.buf)
		w.buf = nil
	}
	return nil
}

// TeeLog returns a writer that shows what it is given on show and logs it
// as c's stdout, as StartAttached does, and the function that ends the
// log (logging an unfinished last line). Without a log (--log-driver
// none or passthrough, or a log that cannot be opened) it is show.
func TeeLog(c *Container, show io.Writer) (io.Writer, func() error) {
	none := func() error { return nil }
	if d := c.Config.LogDriver; d == LogDriverNone || d == LogDriverPassthrough {
		return show, none
	}
	logf, err := OpenLog(c.LogPath(), c.logLimits())
	if err != nil {
		return show, none
	}
	lw := &logLineWriter{l: logf, stream: "stdout"}
	return &teeWriter{show: show, log: lw}, func() error { _ = lw.Close(); return logf.Close() }
}
