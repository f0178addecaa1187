package userfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Errors callers and tests branch on.
var (
	ErrNotRegular = errors.New("is not a regular file")
	ErrTooLarge   = errors.New("is larger than the limit")
)

// Common limits. Each is far above what a real file of its kind holds.
const (
	// SeccompLimit: docker's default profile is about 30 KiB.
	SeccompLimit = 4 << 20
	// EnvFileLimit: environment files of a few hundred variables are a
	// few KiB; the kernel refuses an environment over a few MiB anyway.
	EnvFileLimit = 4 << 20
	// ConfigLimit: registries.conf, auth.json and policy files.
	ConfigLimit = 4 << 20
)

// Read returns the contents of the regular file at path, failing when it
// is not a regular file (a directory, FIFO, device or socket) or holds
// more than limit bytes. It never blocks on opening a FIFO.
func Read(path string, limit int64) ([]byte, error) {
	f, err := Open(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", path, err)
	}
	if int64(len(b)) > limit {
		// The file grew after the size check.
		return nil, tooLarge(path, limit)
	}
	return b, nil
}

// Open opens the regular file at path for reading after checking that it
// is one and that it is at most limit bytes; the caller still must not
// read more than limit bytes (the file may grow).
func Open(path string, limit int64) (*os.File, error) {
	// Stat first, so that a device or FIFO is refused without opening it
	// (opening may block, or have effects, for some devices).
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := Check(path, fi, limit); err != nil {
		return nil, err
	}
	// O_NONBLOCK: if the path was replaced by a FIFO since the stat,
	// opening it must not wait for a writer.
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOCTTY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	ofi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat %q: %w", path, err)
	}
	if err := Check(path, ofi, limit); err != nil {
		f.Close()
		return nil, err
	}
	// Regular files ignore O_NONBLOCK; clear it anyway so reads behave
	// as usual on every file system.
	if err := syscall.SetNonblock(fd, false); err != nil {
		f.Close()
		return nil, fmt.Errorf("open %q: %w", path, err)
	}
	return f, nil
}

// Stat checks, without opening it, that path is a regular file of at most
// limit bytes: for files that a library reads itself (registries.conf,
// auth.json). A missing file is returned as the os.Stat error.
func Stat(path string, limit int64) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return Check(path, fi, limit)
}

// Check is the test Open and Stat apply to a file's metadata.
func Check(path string, fi fs.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return NotRegular(path, fi.Mode())
	}
	if fi.Size() > limit {
		return tooLarge(path, limit)
	}
	return nil
}

func tooLarge(path string, limit int64) error {
	return fmt.Errorf("%q %w of %s", path, ErrTooLarge, HumanLimit(limit))
}

// HumanLimit writes a limit the way husk's flags take sizes.
func HumanLimit(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// NotRegular is the error for a path that is not a regular file (m says
// what it is), for callers that looked at it themselves.
func NotRegular(path string, m fs.FileMode) error {
	return fmt.Errorf("%q %w (%s)", path, ErrNotRegular, kind(m))
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a plain file"
}
