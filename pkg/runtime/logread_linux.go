package runtime

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
)

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

// logTimeFormat is how logs -t prints a line's time: podman's, with
// all nine digits of the fraction.
const logTimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

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
	if (!p.o.Since.IsZero() && h.Time.Before(p.o.Since)) || (!p.o.Until.IsZero() && h.Time.After(p.o.Until)) {
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
	if !p.midLine[s] && (p.o.Prefix != "" || p.o.Timestamps) {
		p.stamp = p.stamp[:0]
		if p.o.Prefix != "" {
			p.stamp = append(append(p.stamp, p.o.Prefix...), ' ')
		}
		if p.o.Timestamps {
			p.stamp = append(h.Time.AppendFormat(p.stamp, logTimeFormat), ' ')
		}
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
