package events

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// DefaultMaxSize is the size past which the journal rotates: it then
// holds at most about twice that (the current file and one old one; a
// file may pass the size by one line per writer appending at that very
// moment, as writers check it side by side).
const DefaultMaxSize = 1 << 20

// maxLine bounds one event's line: an event whose attributes (a
// container's labels) would make it longer keeps none of them.
const maxLine = 64 << 10

// File names in the journal's directory.
const (
	logName  = "events.log"
	oldName  = "events.log.1"
	lockName = "events.lock"
)

// Journal is a directory holding the event journal.
type Journal struct {
	Dir string
	// MaxSize rotates the journal past this many bytes (0:
	// DefaultMaxSize).
	MaxSize int64
}

// New is the journal in dir (created on the first event).
func New(dir string) *Journal { return &Journal{Dir: dir} }

func (j *Journal) maxSize() int64 {
	if j.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return j.MaxSize
}

func (j *Journal) path(name string) string { return filepath.Join(j.Dir, name) }

// Append writes e to the journal, stamped with the time now unless it has
// a time. Concurrent appends from any number of processes all land, each
// on a line of its own.
func (j *Journal) Append(e Event) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	line, err := encode(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(j.Dir, 0o700); err != nil {
		return fmt.Errorf("create event journal: %w", err)
	}
	lock, err := j.lock(syscall.LOCK_SH)
	if err != nil {
		return err
	}
	defer lock.Close()
	f, err := j.openLog()
	if err != nil {
		return err
	}
	if full, err := j.full(f, len(line)); err != nil || full {
		f.Close()
		if err != nil {
			return err
		}
		// Rotate under the exclusive lock: no writer has the old file
		// open once it is renamed, so no event lands in it afterwards
		// unseen by a follower.
		if err := flock(lock, syscall.LOCK_EX); err != nil {
			return err
		}
		if f, err = j.rotate(len(line)); err != nil {
			return err
		}
	}
	n, err := f.Write(line)
	if err == nil && n != len(line) {
		err = io.ErrShortWrite
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write event journal: %w", err)
	}
	return nil
}

// encode is e's journal line.
func encode(e Event) ([]byte, error) {
	line, err := json.Marshal(e)
	if err == nil && len(line) >= maxLine {
		e.Attributes = map[string]string{"truncated": "true"}
		line, err = json.Marshal(e)
	}
	if err != nil {
		return nil, fmt.Errorf("encode event: %w", err)
	}
	return append(line, '\n'), nil
}

func (j *Journal) openLog() (*os.File, error) {
	f, err := os.OpenFile(j.path(logName), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open event journal: %w", err)
	}
	return f, nil
}

// full reports whether adding n bytes to f would pass the limit (an
// empty file takes any event).
func (j *Journal) full(f *os.File, n int) (bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("stat event journal: %w", err)
	}
	return fi.Size() > 0 && fi.Size()+int64(n) > j.maxSize(), nil
}

// rotate makes the current file the old one, unless another writer did
// it while this one waited for the lock, and opens the current file.
func (j *Journal) rotate(n int) (*os.File, error) {
	f, err := j.openLog()
	if err != nil {
		return nil, err
	}
	full, err := j.full(f, n)
	if err != nil || !full {
		if err != nil {
			f.Close()
		}
		return f, err
	}
	f.Close()
	if err := os.Rename(j.path(logName), j.path(oldName)); err != nil {
		return nil, fmt.Errorf("rotate event journal: %w", err)
	}
	return j.openLog()
}

// lock opens the lock file and locks it (LOCK_SH or LOCK_EX); closing
// the file unlocks it.
func (j *Journal) lock(how int) (*os.File, error) {
	f, err := os.OpenFile(j.path(lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open event journal lock: %w", err)
	}
	if err := flock(f, how); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EINTR) {
			return fmt.Errorf("lock event journal: %w", err)
		}
	}
}

// Read calls fn for each event of the journal that o selects, oldest
// first, and stops at fn's first error. A journal that does not exist yet
// has no events.
func (j *Journal) Read(o Options, fn func(Event) error) error {
	lock, err := j.lock(syscall.LOCK_SH)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	// Shared: writers go on, a rotation waits until both files are read.
	defer lock.Close()
	for _, name := range []string{oldName, logName} {
		f, err := os.Open(j.path(name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("open event journal: %w", err)
		}
		_, err = scan(f, nil, o, fn)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// scan reads the lines of r, after partial (the incomplete end of the
// last read), calls fn for the events o selects, and returns what is left
// of an incomplete last line. Lines that do not decode (a journal written
// by a crashed or different program) are skipped.
func scan(r io.Reader, partial []byte, o Options, fn func(Event) error) ([]byte, error) {
	br := bufio.NewReader(r)
	for {
		chunk, err := br.ReadSlice('\n')
		if len(partial)+len(chunk) > 2*maxLine {
			partial = nil // a runaway line: drop it
			chunk = nil
		}
		partial = append(partial, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return partial, nil
			}
			return partial, fmt.Errorf("read event journal: %w", err)
		}
		var e Event
		if jerr := json.Unmarshal(bytes.TrimSpace(partial), &e); jerr == nil && o.Match(e) {
			if err := fn(e); err != nil {
				return nil, err
			}
		}
		partial = partial[:0]
	}
}
