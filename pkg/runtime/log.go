package runtime

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// The container log uses the k8s-file format podman uses: one line per
// output line, "TIMESTAMP STREAM F|P TEXT", where P marks a partial line
// (a line longer than the buffer, or the end of output without newline).

const logLineMax = 16 * 1024

// LogFile is a container's log, shared by its stdout and stderr writers,
// rotated when it grows past MaxSize (one old file, NAME.1, is kept).
type LogFile struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	size    int64
	maxSize int64
}

// OpenLog opens (appending) the log at path; maxSize <= 0 means no limit.
func OpenLog(path string, maxSize int64) (*LogFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open container log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open container log: %w", err)
	}
	return &LogFile{path: path, f: f, size: fi.Size(), maxSize: maxSize}, nil
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
	if l.maxSize > 0 && l.size+int64(b.Len()) > l.maxSize && l.size > 0 {
		l.rotate()
	}
	n, _ := l.f.Write(b.Bytes())
	l.size += int64(n)
}

func (l *LogFile) rotate() {
	l.f.Close()
	_ = os.Rename(l.path, l.path+".1")
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		// Keep logging into the renamed file rather than losing output.
		f, _ = os.OpenFile(l.path+".1", os.O_WRONLY|os.O_APPEND, 0o600)
	}
	l.f = f
	l.size = 0
}

// Close closes the file.
func (l *LogFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
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

// LogEntry is one parsed log line.
type LogEntry struct {
	Time    time.Time
	Stream  string
	Partial bool
	Text    string
}

func parseLog(b []byte) []LogEntry {
	var out []LogEntry
	for _, line := range strings.Split(string(b), "\n") {
		if e, ok := parseLogLine(line); ok {
			out = append(out, e)
		}
	}
	return out
}

func parseLogLine(line string) (LogEntry, bool) {
	parts := strings.SplitN(line, " ", 4)
	if len(parts) < 3 {
		return LogEntry{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, parts[0])
	if err != nil {
		return LogEntry{}, false
	}
	e := LogEntry{Time: t, Stream: parts[1], Partial: parts[2] == "P"}
	if len(parts) == 4 {
		e.Text = parts[3]
	}
	return e, true
}
