package runtime

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// LogOptions control FollowLog.
type LogOptions struct {
	Follow     bool
	Tail       int // < 0: all
	Since      time.Time
	Timestamps bool
	Stdout     io.Writer
	Stderr     io.Writer
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
	files, err := openLogFiles(c.LogPath())
	if err != nil {
		return err
	}
	cur := files[len(files)-1] // nil while there is no log yet
	defer func() {
		for _, f := range files[:len(files)-1] {
			f.Close()
		}
		if cur != nil {
			cur.Close()
		}
	}()
	p := newLogPrinter(o)
	first, offsets, err := logStart(ctx, files, o.Tail)
	if err != nil {
		return stopped(ctx, err)
	}
	buf := make([]byte, logReadBuf)
	for i := first; i < len(files)-1; i++ {
		if err := printLogFile(ctx, p, files[i], offsets[i], buf); err != nil {
			return stopped(ctx, err)
		}
	}
	lr := &logReader{f: cur, buf: buf}
	if cur != nil {
		if _, err := cur.Seek(offsets[len(files)-1], io.SeekStart); err != nil {
			return fmt.Errorf("read container log: %w", err)
		}
	}
	if _, err := lr.read(ctx, p, !o.Follow); err != nil {
		return stopped(ctx, err)
	}
	if err := p.flush(); err != nil || !o.Follow {
		return err
	}
	if o.Following != nil {
		o.Following()
	}
	var writer process // the monitor, which may still log after the exit
	done := false
	for {
		progress, err := lr.read(ctx, p, false)
		if ferr := p.flush(); err == nil {
			err = ferr
		}
		if err != nil {
			return stopped(ctx, err)
		}
		if progress {
			continue
		}
		// Rotated: the path names another file. The writer has closed
		// the old one: what it holds past the read above comes now, then
		// the file rotated after it.
		if fi, err := os.Stat(c.LogPath()); err == nil && (cur == nil || !sameFile(cur, fi)) {
			if cur != nil {
				if _, err := lr.read(ctx, p, true); err != nil {
					return stopped(ctx, err)
				}
			}
			next, err := nextLogFile(ctx, c.LogPath(), cur)
			if err != nil {
				return stopped(ctx, err)
			}
			if cur != nil {
				cur.Close()
			}
			cur = next
			lr = &logReader{f: cur, buf: buf}
			continue
		}
		if done {
			lr.finish(p)
			return p.flush()
		}
		_ = c.Reload()
		if c.State.MonitorPid > 0 && cur != nil {
			writer = process{pid: c.State.MonitorPid, ticks: procStartTicks(c.State.MonitorPid)}
		}
		if c.State.Status != StatusRunning || (!c.Alive() && !monitorAlive(c)) {
			// The container's last output may still be in the monitor's
			// pipes; the monitor exits once it has logged it.
			writer.wait(ctx, 5*time.Second)
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

// openLogFiles opens the files of the log at path, the oldest rotated one
// first and the current one (nil when there is none yet) last. A rotation
// meanwhile would pair names and files wrongly: it tries again.
func openLogFiles(path string) ([]*os.File, error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
		files = nil
	}
	for try := 0; ; try++ {
		cur, err := os.Open(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read container log: %w", err)
		}
		files = []*os.File{cur}
		for n := 1; n <= maxLogFiles; n++ {
			f, err := os.Open(rotatedLogPath(path, n))
			if err != nil {
				break
			}
			files = append([]*os.File{f}, files...)
		}
		if try == 4 || logFilesStill(path, files) {
			return files, nil
		}
		closeAll()
	}
}

// logFilesStill says whether the paths still name the files opened.
func logFilesStill(path string, files []*os.File) bool {
	for i, f := range files {
		p := path
		if n := len(files) - 1 - i; n > 0 {
			p = rotatedLogPath(path, n)
		}
		fi, err := os.Stat(p)
		if f == nil {
			if err == nil {
				return false
			}
			continue
		}
		if err != nil || !sameFile(f, fi) {
			return false
		}
	}
	return true
}

// logStart finds where printing starts: the index of the first file and
// the offset in each. With tail >= 0, the last tail lines: the current
// file is read from its end, and older files only while it holds fewer.
func logStart(ctx context.Context, files []*os.File, tail int) (int, []int64, error) {
	offsets := make([]int64, len(files))
	if tail < 0 {
		return 0, offsets, nil
	}
	first := len(files) - 1
	need, newest := tail, true
	for i := len(files) - 1; i >= 0; i-- {
		f := files[i]
		if f == nil {
			continue
		}
		fi, err := f.Stat()
		if err != nil {
			return 0, nil, fmt.Errorf("read container log: %w", err)
		}
		off, rest, seen, err := tailOffset(ctx, f, fi.Size(), need, newest)
		if err != nil {
			return 0, nil, err
		}
		offsets[i], first = off, i
		if rest == 0 {
			break
		}
		need, newest = rest, newest && !seen
	}
	return first, offsets, nil
}

// tailOffset returns the offset in f (of size size) where its last n
// lines start, reading backwards from the end, how many lines short of n
// the file is and whether it holds any line. A line is a run of partial
// entries ending in a full one; at the end of the newest file, a run of
// partial entries (output without its newline yet) is a line too.
func tailOffset(ctx context.Context, f io.ReaderAt, size int64, n int, newest bool) (off int64, short int, seen bool, err error) {
	if n <= 0 {
		return size, 0, false, nil
	}
	block := make([]byte, logReadBuf)
	hdr := make([]byte, logHeaderMax)
	need, found := n, 0
	next := size // the start of the entry after the one looked at
	// entry looks at the entry at off (ending before next), whose first
	// bytes are b, and says whether the tail starts after it.
	entry := func(off int64, b []byte) bool {
		if len(b) < logHeaderMax && bytes.IndexByte(b, '\n') < 0 {
			k, _ := f.ReadAt(hdr, off)
			b = hdr[:k]
		}
		h, _, ok := parseLogHeader(b)
		if !ok {
			return false
		}
		if !seen {
			seen = true
			if newest && !h.Partial {
				need++ // the last line ends with this entry; it starts after the one before
			}
		}
		if !h.Partial {
			found++
		}
		return found == need
	}
	var b []byte
	for end := size; end > 0; {
		if err := ctx.Err(); err != nil {
			return 0, 0, seen, err
		}
		start := max(end-int64(len(block)), 0)
		b = block[:end-start]
		if _, err := f.ReadAt(b, start); err != nil {
			return 0, 0, seen, fmt.Errorf("read container log: %w", err)
		}
		for j := len(b); ; {
			i := bytes.LastIndexByte(b[:j], '\n')
			if i < 0 {
				break
			}
			j = i
			nl := start + int64(i)
			if nl+1 < next && entry(nl+1, b[i+1:]) {
				return next, 0, true, nil
			}
			next = nl + 1
		}
		end = start
	}
	if next > 0 && entry(0, b) {
		return next, 0, true, nil
	}
	return 0, need - found, seen, nil
}

// printLogFile prints a rotated file from off to its end.
func printLogFile(ctx context.Context, p *logPrinter, f *os.File, off int64, buf []byte) error {
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return fmt.Errorf("read container log: %w", err)
	}
	_, err := (&logReader{f: f, buf: buf}).read(ctx, p, true)
	return err
}

// nextLogFile opens the file of the log at path that came after old (nil:
// none yet), which the path no longer names: as the files shift together,
// the one a place newer. When old was deleted (the follower fell more than
// max-file files behind) it is the oldest one there is. The places are
// read from a snapshot of the names taken before and after opening, equal
// and without a gap (a rotation renames one file at a time). Nil when
// there is no file yet (with max-file=1 the path is missing for a moment).
func nextLogFile(ctx context.Context, path string, old *os.File) (*os.File, error) {
	var oldInfo os.FileInfo
	if old != nil {
		fi, err := old.Stat()
		if err != nil {
			return nil, fmt.Errorf("follow container log: %w", err)
		}
		oldInfo = fi
	}
	for try := 0; try < 200; try++ {
		if try > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Millisecond):
			}
		}
		before, ok := logSnapshot(path)
		if !ok {
			continue
		}
		place := 0 // the current file
		if oldInfo != nil {
			place = len(before) - 1 // old is gone: the oldest file there is
			for i := 1; i < len(before); i++ {
				if os.SameFile(before[i], oldInfo) {
					place = i - 1
					break
				}
			}
		}
		if before[place] == nil {
			return nil, nil
		}
		name := path
		if place > 0 {
			name = rotatedLogPath(path, place)
		}
		f, err := os.Open(name)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("follow container log: %w", err)
		}
		after, ok := logSnapshot(path)
		if ok && sameSnapshot(before, after) && sameFile(f, after[place]) {
			return f, nil
		}
		f.Close()
	}
	return nil, nil // the next round opens the current file
}

// logSnapshot returns the files of the log at path, the current one (nil
// when missing) first, then NAME.1, NAME.2, ...; ok is false while a
// rotation is under way: a name missing between two that exist.
func logSnapshot(path string) (files []os.FileInfo, ok bool) {
	fi, err := os.Stat(path)
	if err != nil {
		fi = nil
	}
	files = append(files, fi)
	for n := 1; n <= maxLogFiles; n++ {
		fi, err := os.Stat(rotatedLogPath(path, n))
		if err != nil {
			_, errNext := os.Stat(rotatedLogPath(path, n+1))
			return files, errNext != nil && (files[0] != nil || n == 1)
		}
		files = append(files, fi)
	}
	return files, files[0] != nil
}

func sameSnapshot(a, b []os.FileInfo) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i] == nil) != (b[i] == nil) || (a[i] != nil && !os.SameFile(a[i], b[i])) {
			return false
		}
	}
	return true
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

// logReader prints the lines of one log file through a fixed buffer. It
// keeps its place between calls, so a follower calls it again when the
// file has grown.
type logReader struct {
	f    *os.File // nil: nothing to read
	buf  []byte
	r, w int // buf[r:w] is read and not yet printed
	// long: within a line longer than buf whose header was handled; its
	// text up to the newline goes to the printer as it comes.
	long bool
}

// read prints the lines of the file from the reader's place to the
// file's end and says whether it read anything. A last line without
// newline waits for the rest of it unless final.
func (lr *logReader) read(ctx context.Context, p *logPrinter, final bool) (bool, error) {
	if lr.f == nil {
		return false, nil
	}
	progress := false
	for {
		chunk := lr.buf[lr.r:lr.w]
		i := bytes.IndexByte(chunk, '\n')
		switch {
		case lr.long && i >= 0:
			p.text(chunk[:i])
			p.end()
			lr.r += i + 1
			lr.long = false
			continue
		case lr.long:
			p.text(chunk)
			lr.r, lr.w = 0, 0
		case i >= 0:
			p.line(chunk[:i])
			lr.r += i + 1
			continue
		case len(chunk) == len(lr.buf):
			// A line longer than the buffer: its header is here, its
			// text streams through.
			if h, t, ok := parseLogHeader(chunk); ok {
				p.begin(h)
				p.text(chunk[t:])
			} else {
				p.skip()
			}
			lr.long = true
			lr.r, lr.w = 0, 0
			continue
		default:
			lr.w = copy(lr.buf, chunk)
			lr.r = 0
		}
		if err := ctx.Err(); err != nil {
			return progress, err
		}
		if err := p.werr; err != nil {
			return progress, fmt.Errorf("print container log: %w", err)
		}
		n, err := lr.f.Read(lr.buf[lr.w:])
		lr.w += n
		if n > 0 {
			progress = true
			continue
		}
		if err != nil && err != io.EOF {
			return progress, fmt.Errorf("read container log: %w", err)
		}
		if final {
			lr.finish(p)
		}
		return progress, nil
	}
}

// finish ends the file: a last line without newline is printed as it is.
func (lr *logReader) finish(p *logPrinter) {
	switch {
	case lr.long:
		p.end()
		lr.long = false
	case lr.w > lr.r:
		p.line(lr.buf[lr.r:lr.w])
	}
	lr.r, lr.w = 0, 0
}

// logPrinter writes log lines to stdout and stderr, buffered; the buffer
// of one stream is flushed before the other one is written, so their
// order holds.
type logPrinter struct {
	o        LogOptions
	out, err *bufio.Writer
	last     *bufio.Writer
	w        *bufio.Writer // the current entry's, nil when it is not printed
	partial  bool          // the current entry is partial
	stream   int
	// midLine: the last entry printed of the stream (0 stdout, 1 stderr)
	// was partial, so its line goes on without a new timestamp.
	midLine [2]bool
	stamp   []byte
	werr    error
}

func newLogPrinter(o LogOptions) *logPrinter {
	p := &logPrinter{o: o, out: bufio.NewWriterSize(o.Stdout, 32*1024)}
	p.err = p.out
	if o.Stderr != nil {
		p.err = bufio.NewWriterSize(o.Stderr, 32*1024)
	}
	return p
}

// line prints one whole log line (without its newline).
func (p *logPrinter) line(b []byte) {
	h, t, ok := parseLogHeader(b)
	if !ok {
		return
	}
	p.begin(h)
	p.text(b[t:])
	p.end()
}

// begin starts an entry; text and end follow.
func (p *logPrinter) begin(h logHeader) {
	p.w = nil
	if !p.o.Since.IsZero() && h.Time.Before(p.o.Since) {
		return
	}
	w, s := p.out, 0
	if h.Stderr {
		w, s = p.err, 1
	}
	if p.last != nil && p.last != w {
		p.check(p.last.Flush())
	}
	p.last, p.w, p.partial, p.stream = w, w, h.Partial, s
	if p.o.Timestamps && !p.midLine[s] {
		p.stamp = append(h.Time.AppendFormat(p.stamp[:0], time.RFC3339Nano), ' ')
		_, err := w.Write(p.stamp)
		p.check(err)
	}
	p.midLine[s] = h.Partial
}

// skip starts an entry that is not printed.
func (p *logPrinter) skip() { p.w = nil }

func (p *logPrinter) text(b []byte) {
	if p.w != nil {
		_, err := p.w.Write(b)
		p.check(err)
	}
}

func (p *logPrinter) end() {
	if p.w != nil && !p.partial {
		p.check(p.w.WriteByte('\n'))
	}
	p.w = nil
}

func (p *logPrinter) check(err error) {
	if err != nil && p.werr == nil {
		p.werr = err
	}
}

func (p *logPrinter) flush() error {
	p.check(p.out.Flush())
	p.check(p.err.Flush())
	if p.werr != nil {
		return fmt.Errorf("print container log: %w", p.werr)
	}
	return nil
}

// Rename gives a container a new name.
func Rename(env Env, c *Container, name string) error {
	if err := validName(name); err != nil {
		return err
	}
	if other, err := env.Store.Container(name); err == nil && other.ID != c.ID {
		return fmt.Errorf("the container name %q is already in use by %s: remove that container or choose another name", name, short(other.ID))
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := env.Store.SetNames(c.ID, []string{name}); err != nil {
		return fmt.Errorf("rename container %s to %q: %w", c.Name, name, err)
	}
	if err := c.Reload(); err != nil {
		return err
	}
	c.Name, c.Config.Name = name, name
	return c.Save()
}
