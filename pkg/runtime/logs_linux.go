package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/husk-dev/husk/internal/setting"
)

// LogOptions control FollowLog.
type LogOptions struct {
	Follow bool
	Tail   int // < 0: all
	Since  time.Time
	// Until, if set, leaves out the lines logged after it.
	Until      time.Time
	Timestamps bool
	// Prefix, if set, starts each line (with a space after it): whose
	// log it is, when several are shown.
	Prefix string
	Stdout io.Writer
	Stderr io.Writer
	// Following, if set, is called once the existing log was printed and
	// everything from then on will be.
	Following func()
}

// logReadBuf is the reader's buffer: a line of husk's log (a header and
// at most logLineMax of text) fits whole; a longer line (a log written by
// something else) streams through it in pieces.
const logReadBuf = 64 * 1024

// FollowLog prints a container's log, the rotated files first; with Follow
// it keeps printing new lines until the container has stopped and the log
// is drained. It reads through a buffer of fixed size, and --tail reads
// from the end, so neither time nor memory grows with the log's size. It
// stops, returning nil, when ctx is cancelled.
func FollowLog(ctx context.Context, env Env, c *Container, o LogOptions) error {
	if c.Config.LogDriver == LogDriverNone {
		return setting.Errorf("container %s uses {log-driver}=none: its output is not kept", c.Name)
	}
	files, err := openLogFiles(c.LogPath())
	if err != nil {
		return err
	}
	f := &logFollower{c: c, p: newLogPrinter(o), buf: make([]byte, logReadBuf), cur: files[len(files)-1]} // cur: nil while there is no log yet
	defer func() {
		for _, old := range files[:len(files)-1] {
			old.Close()
		}
		if f.cur != nil {
			f.cur.Close()
		}
	}()
	first, offsets, err := logStart(ctx, files, o.Tail)
	if err != nil {
		return stopped(ctx, err)
	}
	for i := first; i < len(files)-1; i++ {
		if err := printLogFile(ctx, f.p, files[i], offsets[i], f.buf); err != nil {
			return stopped(ctx, err)
		}
	}
	f.lr = &logReader{f: f.cur, buf: f.buf}
	if f.cur != nil {
		if _, err := f.cur.Seek(offsets[len(files)-1], io.SeekStart); err != nil {
			return fmt.Errorf("read container log: %w", err)
		}
	}
	if _, err := f.lr.read(ctx, f.p, !o.Follow); err != nil {
		return stopped(ctx, err)
	}
	if err := f.p.flush(); err != nil || !o.Follow {
		return err
	}
	if o.Following != nil {
		o.Following()
	}
	return f.follow(ctx)
}

// logFollower prints what comes to a container's log, across rotations,
// until the container has stopped and the log is drained.
type logFollower struct {
	c   *Container
	p   *logPrinter
	buf []byte
	// cur is the file read, through lr.
	cur *os.File
	lr  *logReader
	// writer is the monitor, which may still log after the exit.
	writer process
}

func (f *logFollower) follow(ctx context.Context) error {
	done := false
	for {
		progress, err := f.lr.read(ctx, f.p, false)
		if ferr := f.p.flush(); err == nil {
			err = ferr
		}
		if err != nil {
			return stopped(ctx, err)
		}
		if progress {
			continue
		}
		if moved, err := f.rotated(ctx); err != nil {
			return stopped(ctx, err)
		} else if moved {
			continue
		}
		if done {
			f.lr.finish(f.p)
			return f.p.flush()
		}
		if f.ended(ctx) {
			done = true
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// rotated moves on to the next file when the log was rotated (the path
// names another file). The writer has closed the old one: what it holds
// past the last read comes first, then the file rotated after it.
func (f *logFollower) rotated(ctx context.Context) (bool, error) {
	fi, err := os.Stat(f.c.LogPath())
	if err != nil || (f.cur != nil && sameFile(f.cur, fi)) {
		return false, nil
	}
	if f.cur != nil {
		if _, err := f.lr.read(ctx, f.p, true); err != nil {
			return false, err
		}
	}
	next, err := nextLogFile(ctx, f.c.LogPath(), f.cur)
	if err != nil {
		return false, err
	}
	if f.cur != nil {
		f.cur.Close()
	}
	f.cur = next
	f.lr = &logReader{f: f.cur, buf: f.buf}
	return true, nil
}

// ended reports whether the container has stopped, after waiting (not
// long) for its monitor: the container's last output may still be in the
// monitor's pipes, and the monitor exits once it has logged it.
func (f *logFollower) ended(ctx context.Context) bool {
	c := f.c
	_ = c.Reload()
	if c.State.MonitorPid > 0 && f.cur != nil {
		f.writer = process{pid: c.State.MonitorPid, ticks: procStartTicks(c.State.MonitorPid)}
	}
	if c.State.Status != StatusRunning || (!c.Alive() && !monitorAlive(c)) {
		f.writer.wait(ctx, 5*time.Second)
		return true
	}
	return false
}

// stopped turns the error of a read that ctx stopped into nil: an
// interrupted logs command has done what it was asked.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}

func sameFile(f *os.File, fi os.FileInfo) bool {
	cur, err := f.Stat()
	return err == nil && os.SameFile(cur, fi)
}

// process is a process by pid and start time (0: none).
type process struct {
	pid   int
	ticks uint64
}

// wait waits until the process is gone, at most limit.
func (pr process) wait(ctx context.Context, limit time.Duration) {
	if pr.pid <= 0 || pr.ticks == 0 {
		return
	}
	deadline := time.Now().Add(limit)
	for procStartTicks(pr.pid) == pr.ticks && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}
