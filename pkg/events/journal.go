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

	"golang.org/x/sys/unix"
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
//
// Every command appends a few events (a run: seven), so Append works on
// plain descriptors: an *os.File costs four fcntl and an epoll_ctl more
// per open, for a file that is never polled.
func (j *Journal) Append(e Event) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	line, err := encode(e)
	if err != nil {
		return err
	}
	lock, err := j.openFD(lockName, unix.O_RDWR)
	if err != nil {
		return fmt.Errorf("open event journal lock: %w", err)
	}
	defer unix.Close(lock)
	if err := flockFD(lock, unix.LOCK_SH); err != nil {
		return err
	}
	f, err := j.openFD(logName, unix.O_WRONLY|unix.O_APPEND)
	if err != nil {
		return fmt.Errorf("open event journal: %w", err)
	}
	if full, err := j.fullFD(f, len(line)); err != nil || full {
		unix.Close(f)
		if err != nil {
			return err
		}
		// Rotate under the exclusive lock: no writer has the old file
		// open once it is renamed, so no event lands in it afterwards
		// unseen by a follower.
		if err := flockFD(lock, unix.LOCK_EX); err != nil {
			return err
		}
		if f, err = j.rotate(len(line)); err != nil {
			return err
		}
	}
	err = writeAll(f, line)
	if cerr := unix.Close(f); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write event journal: %w", err)
	}
	return nil
}

// openFD opens (creates) the journal's file name with flags, making the
// journal's directory first when it is missing.
func (j *Journal) openFD(name string, flags int) (int, error) {
	flags |= unix.O_CREAT | unix.O_CLOEXEC
	made := false
	for {
		fd, err := unix.Open(j.path(name), flags, 0o600)
		switch {
		case err == nil:
			return fd, nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.ENOENT) && !made:
			if merr := os.MkdirAll(j.Dir, 0o700); merr != nil {
				return -1, fmt.Errorf("create event journal: %w", merr)
			}
			made = true
			continue
		}
		return -1, &fs.PathError{Op: "open", Path: j.path(name), Err: err}
	}
}

// writeAll writes b to fd whole.
func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return io.ErrShortWrite
		}
		b = b[n:]
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

// fullFD reports whether adding n bytes to the file fd would pass the
// limit (an empty file takes any event).
func (j *Journal) fullFD(fd, n int) (bool, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return false, fmt.Errorf("stat event journal: %w", err)
	}
	return st.Size > 0 && st.Size+int64(n) > j.maxSize(), nil
}

// rotate makes the current file the old one, unless another writer did
// it while this one waited for the lock, and opens the current file.
func (j *Journal) rotate(n int) (int, error) {
	f, err := j.openFD(logName, unix.O_WRONLY|unix.O_APPEND)
	if err != nil {
		return -1, fmt.Errorf("open event journal: %w", err)
	}
	full, err := j.fullFD(f, n)
	if err != nil || !full {
		if err != nil {
			unix.Close(f)
		}
		return f, err
	}
	unix.Close(f)
	if err := os.Rename(j.path(logName), j.path(oldName)); err != nil {
		return -1, fmt.Errorf("rotate event journal: %w", err)
	}
	f, err = j.openFD(logName, unix.O_WRONLY|unix.O_APPEND)
	if err != nil {
		return -1, fmt.Errorf("open event journal: %w", err)
	}
	return f, nil
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

func flock(f *os.File, how int) error { return flockFD(int(f.Fd()), how) }

func flockFD(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EINTR) {
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
