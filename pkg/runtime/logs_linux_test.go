package runtime

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// logLine is a line of the log format at second sec.
func logLine(sec int, stream, tag, text string) string {
	ts := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second)
	return ts.Format(time.RFC3339Nano) + " " + stream + " " + tag + " " + text + "\n"
}

// logContainer is a container whose directory holds the given log files
// (names relative to it: ctr.log, ctr.log.1, ...).
func logContainer(t *testing.T, files map[string]string) *Container {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &Container{Name: "test", Dir: dir}
}

// printLog runs FollowLog without following and returns stdout and
// stderr.
func printLog(t *testing.T, c *Container, o LogOptions) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	o.Stdout, o.Stderr = &out, &errOut
	if err := FollowLog(context.Background(), Env{}, c, o); err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String()
}

// writeBigLog writes a log of about size bytes (lines of about 100 bytes)
// ending in the line "the-end" and returns the container.
func writeBigLog(t *testing.T, size int) *Container {
	t.Helper()
	c := &Container{Name: "big", Dir: t.TempDir()}
	f, err := os.Create(c.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var block strings.Builder
	for i := 0; i < 1000; i++ {
		block.WriteString(logLine(i, "stdout", "F", fmt.Sprintf("line-%04d-%s", i, strings.Repeat("x", 50))))
	}
	for n := 0; n < size; n += block.Len() {
		w.WriteString(block.String())
	}
	w.WriteString(logLine(2000, "stdout", "F", "the-end"))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return c
}

// heapGrowth runs fn and returns how far the heap grew above where it
// was (sampled every millisecond, so it is about the peak) and how much
// fn allocated in all.
func heapGrowth(fn func()) (grew, allocated uint64) {
	var before goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&before)
	peak := before.HeapAlloc
	stop, stopped := make(chan struct{}), make(chan struct{})
	sample := func() uint64 {
		var m goruntime.MemStats
		goruntime.ReadMemStats(&m)
		peak = max(peak, m.HeapAlloc)
		return m.TotalAlloc
	}
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
				sample()
			}
		}
	}()
	fn()
	close(stop)
	<-stopped
	total := sample()
	return peak - before.HeapAlloc, total - before.TotalAlloc
}

// countingWriter counts bytes and lines and keeps the end (at most 64
// bytes) of the last line.
type countingWriter struct {
	bytes, lines int
	last         []byte
	onWrite      func()
}

func (w *countingWriter) Write(b []byte) (int, error) {
	if w.onWrite != nil {
		w.onWrite()
	}
	w.bytes += len(b)
	w.lines += bytes.Count(b, []byte{'\n'})
	if i := bytes.LastIndexByte(bytes.TrimSuffix(b, []byte{'\n'}), '\n'); i >= 0 {
		w.last = append(w.last[:0], b[i+1:]...)
	} else {
		if bytes.HasSuffix(w.last, []byte{'\n'}) {
			w.last = w.last[:0]
		}
		w.last = append(w.last, b...)
	}
	if len(w.last) > 64 {
		w.last = append(w.last[:0], w.last[len(w.last)-64:]...)
	}
	return len(b), nil
}

func TestLogsOfAHugeLog(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100 MB log")
	}
	c := writeBigLog(t, 100<<20)

	t.Run("tail 1 reads from the end", func(t *testing.T) {
		var out string
		start := time.Now()
		grew, allocated := heapGrowth(func() { out, _ = printLog(t, c, LogOptions{Tail: 1}) })
		took := time.Since(start)
		if out != "the-end\n" {
			t.Errorf("--tail 1 printed %q", out)
		}
		if took > time.Second {
			t.Errorf("--tail 1 of a 100 MB log took %v", took)
		}
		if allocated > 1<<20 {
			t.Errorf("--tail 1 of a 100 MB log allocated %d bytes", allocated)
		}
		t.Logf("--tail 1: %v, %d bytes allocated, heap grew %d bytes", took, allocated, grew)
	})

	t.Run("tail 1000 with timestamps", func(t *testing.T) {
		var w countingWriter
		grew, allocated := heapGrowth(func() {
			if err := FollowLog(context.Background(), Env{}, c, LogOptions{Tail: 1000, Timestamps: true, Stdout: &w, Stderr: &w}); err != nil {
				t.Fatal(err)
			}
		})
		if w.lines != 1000 || string(w.last) != "2024-01-01T00:33:20.000000000Z the-end\n" {
			t.Errorf("--tail 1000 -t printed %d lines, the last %q", w.lines, w.last)
		}
		if grew > 16<<20 || allocated > 4<<20 {
			t.Errorf("--tail 1000: heap grew %d bytes, %d allocated", grew, allocated)
		}
	})

	t.Run("the whole log streams in constant memory", func(t *testing.T) {
		var w countingWriter
		grew, _ := heapGrowth(func() {
			if err := FollowLog(context.Background(), Env{}, c, LogOptions{Tail: -1, Stdout: &w, Stderr: &w}); err != nil {
				t.Fatal(err)
			}
		})
		fi, _ := os.Stat(c.LogPath())
		if w.lines < 1000000 || string(w.last) != "the-end\n" {
			t.Errorf("logs printed %d lines, the last %q", w.lines, w.last)
		}
		if grew > 16<<20 {
			t.Errorf("logs of a %d-byte log grew the heap by %d bytes", fi.Size(), grew)
		}
		t.Logf("printed %d bytes in %d lines; heap grew %d bytes", w.bytes, w.lines, grew)
	})

	t.Run("a cancelled context stops it", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := countingWriter{onWrite: cancel}
		if err := FollowLog(ctx, Env{}, c, LogOptions{Tail: -1, Stdout: &w, Stderr: &w}); err != nil {
			t.Fatalf("cancelled: %v", err)
		}
		if w.bytes > 1<<20 {
			t.Errorf("logs went on for %d bytes after the context was cancelled", w.bytes)
		}
		w = countingWriter{}
		if err := FollowLog(ctx, Env{}, c, LogOptions{Tail: 5, Follow: true, Stdout: &w, Stderr: &w}); err != nil {
			t.Fatalf("cancelled: %v", err)
		}
		if w.bytes != 0 {
			t.Errorf("logs --tail printed %d bytes with the context cancelled before", w.bytes)
		}
	})
}

func TestLogsPartialLines(t *testing.T) {
	c := logContainer(t, map[string]string{"ctr.log": logLine(1, "stdout", "P", "aaa") +
		logLine(2, "stdout", "P", "bbb") +
		logLine(3, "stdout", "F", "ccc") +
		logLine(4, "stdout", "F", "x") +
		logLine(5, "stdout", "P", "no newline")})
	for _, tc := range []struct {
		o    LogOptions
		want string
	}{
		{LogOptions{Tail: -1}, "aaabbbccc\nx\nno newline"},
		{LogOptions{Tail: 0}, ""},
		{LogOptions{Tail: 1}, "no newline"},
		{LogOptions{Tail: 2}, "x\nno newline"},
		{LogOptions{Tail: 3}, "aaabbbccc\nx\nno newline"},
		{LogOptions{Tail: 100}, "aaabbbccc\nx\nno newline"},
		{LogOptions{Tail: -1, Timestamps: true}, "2024-01-01T00:00:01.000000000Z aaabbbccc\n2024-01-01T00:00:04.000000000Z x\n2024-01-01T00:00:05.000000000Z no newline"},
		{LogOptions{Tail: -1, Until: time.Date(2024, 1, 1, 0, 0, 4, 0, time.UTC)}, "aaabbbccc\nx\n"},
		{LogOptions{Tail: -1, Prefix: "abc", Timestamps: true, Since: time.Date(2024, 1, 1, 0, 0, 4, 0, time.UTC)},
			"abc 2024-01-01T00:00:04.000000000Z x\nabc 2024-01-01T00:00:05.000000000Z no newline"},
		{LogOptions{Tail: -1, Since: time.Date(2024, 1, 1, 0, 0, 4, 0, time.UTC)}, "x\nno newline"},
	} {
		if out, _ := printLog(t, c, tc.o); out != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.o, out, tc.want)
		}
	}
	// A log ending in full lines: --tail counts from the last one.
	c = logContainer(t, map[string]string{"ctr.log": logLine(1, "stdout", "P", "aaa") + logLine(2, "stdout", "F", "bbb") +
		logLine(3, "stdout", "F", "c")})
	for tail, want := range map[int]string{0: "", 1: "c\n", 2: "aaabbb\nc\n", 3: "aaabbb\nc\n"} {
		if out, _ := printLog(t, c, LogOptions{Tail: tail}); out != want {
			t.Errorf("--tail %d: got %q, want %q", tail, out, want)
		}
	}
}

func TestLogsStreamsAndOrder(t *testing.T) {
	c := logContainer(t, map[string]string{"ctr.log": logLine(1, "stdout", "F", "o1") +
		logLine(2, "stderr", "F", "e1") + logLine(3, "stdout", "F", "o2") + logLine(4, "stderr", "F", "e2")})
	out, errOut := printLog(t, c, LogOptions{Tail: -1})
	if out != "o1\no2\n" || errOut != "e1\ne2\n" {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	// One writer for both: the order of the log holds through the buffers.
	var both bytes.Buffer
	if err := FollowLog(context.Background(), Env{}, c, LogOptions{Tail: 3, Stdout: &both, Stderr: &both}); err != nil {
		t.Fatal(err)
	}
	if both.String() != "e1\no2\ne2\n" {
		t.Errorf("--tail 3 to one writer: %q", both.String())
	}
}

func TestLogsRotatedFiles(t *testing.T) {
	var old2, old1, cur string
	for i := 0; i < 10; i++ {
		old2 += logLine(i, "stdout", "F", fmt.Sprintf("l%d", i))
		old1 += logLine(10+i, "stdout", "F", fmt.Sprintf("l%d", 10+i))
	}
	for i := 20; i < 23; i++ {
		cur += logLine(i, "stdout", "F", fmt.Sprintf("l%d", i))
	}
	c := logContainer(t, map[string]string{"ctr.log.2": old2, "ctr.log.1": old1, "ctr.log": cur})
	lines := func(from, to int) string {
		var s string
		for i := from; i < to; i++ {
			s += fmt.Sprintf("l%d\n", i)
		}
		return s
	}
	for _, tc := range []struct {
		tail int
		want string
	}{{-1, lines(0, 23)}, {2, lines(21, 23)}, {3, lines(20, 23)}, {4, lines(19, 23)}, {13, lines(10, 23)}, {14, lines(9, 23)}, {100, lines(0, 23)}} {
		if out, _ := printLog(t, c, LogOptions{Tail: tc.tail}); out != tc.want {
			t.Errorf("--tail %d: got %q, want %q", tc.tail, out, tc.want)
		}
	}
	if out, _ := printLog(t, c, LogOptions{Tail: -1, Since: time.Date(2024, 1, 1, 0, 0, 15, 0, time.UTC)}); out != lines(15, 23) {
		t.Errorf("--since: %q", out)
	}
	// A rotated file is read only when the current one has too few lines:
	// a corrupt one does not matter to a short tail.
	if err := os.WriteFile(filepath.Join(c.Dir, "ctr.log.1"), []byte("garbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _ := printLog(t, c, LogOptions{Tail: 3}); out != lines(20, 23) {
		t.Errorf("--tail 3 with a corrupt ctr.log.1: %q", out)
	}
	// Only rotated files (the current one not yet created again).
	os.Remove(c.LogPath())
	if out, _ := printLog(t, c, LogOptions{Tail: 2}); out != lines(8, 10) {
		t.Errorf("--tail 2 without ctr.log: %q", out)
	}
}

func TestLogsBoundedOnHostileInput(t *testing.T) {
	huge := strings.Repeat("y", 20<<20)
	for _, tc := range []struct {
		name, log, want string
	}{
		{"a long line", logLine(1, "stdout", "F", huge) + logLine(2, "stdout", "F", "after"), huge + "\nafter\n"},
		{"a long line without newline", strings.TrimSuffix(logLine(1, "stdout", "F", huge), "\n"), huge + "\n"},
		{"a long line without header", huge + "\n" + logLine(2, "stdout", "F", "after"), "after\n"},
		{"no header and no newline", huge, ""},
		{"garbage lines", "\n\nx y z\n2024-13-45T00:00:00Z stdout F bad time\n" + logLine(1, "stdout", "X", "bad tag") + logLine(2, "stdout", "F", "good"), "good\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := logContainer(t, map[string]string{"ctr.log": tc.log})
			if out, _ := printLog(t, c, LogOptions{Tail: -1}); out != tc.want {
				t.Errorf("printed %d bytes (%.40q...), want %d", len(out), out, len(tc.want))
			}
			for _, tail := range []int{-1, 1} {
				var w countingWriter
				grew, _ := heapGrowth(func() {
					if err := FollowLog(context.Background(), Env{}, c, LogOptions{Tail: tail, Stdout: &w, Stderr: &w}); err != nil {
						t.Fatal(err)
					}
				})
				want := tc.want
				if tail == 1 {
					want = want[strings.LastIndexByte(strings.TrimSuffix(want, "\n"), '\n')+1:]
				}
				if w.bytes != len(want) {
					t.Errorf("--tail %d printed %d bytes, want %d", tail, w.bytes, len(want))
				}
				if grew > 16<<20 {
					t.Errorf("--tail %d: heap grew %d bytes", tail, grew)
				}
			}
		})
	}
}

// syncBuffer is a bytes.Buffer for one writer and other readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
