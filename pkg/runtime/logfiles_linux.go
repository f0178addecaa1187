package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

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
