package runtime

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"
)

// The container log uses the k8s-file format podman uses: one line per
// output line, "TIMESTAMP STREAM F|P TEXT", where P marks a partial line
// (a line longer than the buffer, or the end of output without newline).
//
// The log rotates: when a line would take the current file past the
// maximum size, the files shift (NAME.1 becomes NAME.2, ...), the current
// one becomes NAME.1 and a new one starts. At most MaxFiles files are kept,
// the current one included, so the log never takes more than about
// MaxFiles x MaxSize bytes on disk.

// logLineMax is the most text one log line holds; longer output lines are
// split into partial lines.
const logLineMax = 16 * 1024

// The default log limits: docker's "local" log driver rotates at 20 MB;
// with the current file and one rotated file a container's log takes at
// most 40 MB. (podman's and docker's json-file default is no limit, which
// lets a chatty detached container fill the disk.)
const (
	DefaultLogMaxSize  = 20 << 20
	DefaultLogMaxFiles = 2
)

// maxLogFiles bounds max-file and how many rotated files a reader looks
// for.
const maxLogFiles = 100

// LogLimits say when a container log rotates and how much of it is kept.
type LogLimits struct {
	// MaxSize is the size in bytes past which the log rotates; 0 means
	// the default, < 0 never rotate.
	MaxSize int64
	// MaxFiles is how many files are kept, the current one included
	// (docker's max-file); 0 means the default. With 1 the log starts
	// over when it is full.
	MaxFiles int
}

// Effective resolves the defaults.
func (l LogLimits) Effective() LogLimits {
	if l.MaxSize == 0 {
		l.MaxSize = DefaultLogMaxSize
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultLogMaxFiles
	}
	if l.MaxFiles > maxLogFiles {
		l.MaxFiles = maxLogFiles
	}
	return l
}

// rotatedLogPath is the path of the n-th most recent rotated file of the
// log at path (n >= 1).
func rotatedLogPath(path string, n int) string {
	return path + "." + strconv.Itoa(n)
}

// LogFile is a container's log, shared by its stdout and stderr writers,
// rotated by its LogLimits.
type LogFile struct {
	mu     sync.Mutex
	path   string
	f      *os.File // nil after a failed rotation; the next write retries
	size   int64
	limits LogLimits
}

// OpenLog opens (appending) the log at path.
func OpenLog(path string, limits LogLimits) (*LogFile, error) {
	limits = limits.Effective()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open container log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open container log: %w", err)
	}
	// Rotated files beyond the limit (left by a larger max-file) go.
	for n := max(limits.MaxFiles, 1); n <= maxLogFiles; n++ {
		if err := os.Remove(rotatedLogPath(path, n)); errors.Is(err, os.ErrNotExist) {
			break
		}
	}
	return &LogFile{path: path, f: f, size: fi.Size(), limits: limits}, nil
}

func (l *LogFile) writeEntry(stream string, partial bool, text []byte) {
	tag := "F"
	if partial {
		tag = "P"
	}
	var b bytes.Buffer
	b.WriteString(time.Now().UTC().Format(time.RFC3339Nano))
	b.WriteByte(' ')
	b.WriteString(stream)
	b.WriteByte(' ')
	b.WriteString(tag)
	b.WriteByte(' ')
	b.Write(text)
	b.WriteByte('\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limits.MaxSize > 0 && l.size+int64(b.Len()) > l.limits.MaxSize && l.size > 0 {
		l.rotate()
	}
	if l.f == nil {
		if !l.reopen() {
			return // output is lost rather than the limit broken
		}
	}
	n, _ := l.f.Write(b.Bytes())
	l.size += int64(n)
}

// rotate shifts the files and starts a new current one. A reader that has
// the old file open reads it to its end and then opens the path again.
func (l *LogFile) rotate() {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
	if l.limits.MaxFiles <= 1 {
		_ = os.Remove(l.path)
	} else {
		for n := l.limits.MaxFiles - 2; n >= 1; n-- {
			_ = os.Rename(rotatedLogPath(l.path, n), rotatedLogPath(l.path, n+1))
		}
		_ = os.Rename(l.path, rotatedLogPath(l.path, 1))
	}
	l.reopen()
}

func (l *LogFile) reopen() bool {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return false
	}
	l.f, l.size = f, 0
	return true
}

// Close closes the file.
func (l *LogFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}

// Copy reads a stream until EOF and logs it line by line.
func (l *LogFile) Copy(stream string, r io.Reader) {
	br := bufio.NewReaderSize(r, logLineMax)
	for {
		line, err := br.ReadSlice('\n')
		switch {
		case err == nil:
			l.writeEntry(stream, false, line[:len(line)-1])
		case err == bufio.ErrBufferFull:
			l.writeEntry(stream, true, line)
			continue
		case len(line) > 0:
			l.writeEntry(stream, true, line)
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

// logHeaderMax is where the header of a log line must have ended (a
// timestamp is at most 35 bytes); a line without a header there is not
// a log line and is skipped.
const logHeaderMax = 128

// logHeader is what precedes a log line's text.
type logHeader struct {
	Time    time.Time
	Stderr  bool
	Partial bool
}

// parseLogHeader parses the header at the start of b, a log line or its
// first bytes (it may run on past the line's end), and returns where the
// text starts. The tag is F or P; anything else is not a log line.
func parseLogHeader(b []byte) (h logHeader, text int, ok bool) {
	if len(b) > logHeaderMax {
		b = b[:logHeaderMax]
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	ts, rest, ok := bytes.Cut(b, []byte{' '})
	if !ok || len(ts) == 0 {
		return h, 0, false
	}
	stream, rest, ok := bytes.Cut(rest, []byte{' '})
	if !ok || len(stream) == 0 {
		return h, 0, false
	}
	tag, _, hasText := bytes.Cut(rest, []byte{' '})
	if len(tag) != 1 || (tag[0] != 'F' && tag[0] != 'P') {
		return h, 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(ts))
	if err != nil {
		return h, 0, false
	}
	h = logHeader{Time: t, Stderr: string(stream) == "stderr", Partial: tag[0] == 'P'}
	text = len(ts) + 1 + len(stream) + 2
	if hasText {
		text++
	}
	return h, text, true
}
