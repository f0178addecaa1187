package monwait

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/pkg/runtime"
)

// segment is one stream's output up to its end.
type segment struct {
	stderr bool
	data   string
}

// goLog writes the segments with pkg/runtime's LogFile.
func goLog(t *testing.T, path string, limits runtime.LogLimits, segs []segment) {
	t.Helper()
	l, err := runtime.OpenLog(path, limits)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range segs {
		name := "stdout"
		if s.stderr {
			name = "stderr"
		}
		l.Copy(name, strings.NewReader(s.data))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// cLog writes the same segments with monlog.c, cut into reads of random
// sizes (the result must not depend on them).
func cLog(t *testing.T, path string, limits runtime.LogLimits, segs []segment, rnd *rand.Rand) {
	t.Helper()
	var chunks []logChunk
	for _, s := range segs {
		b := []byte(s.data)
		for len(b) > 0 {
			n := 1 + rnd.Intn(min(len(b), 20000))
			chunks = append(chunks, logChunk{stderr: s.stderr, data: b[:n]})
			b = b[n:]
		}
		chunks = append(chunks, logChunk{stderr: s.stderr, end: true})
	}
	e := limits.Effective()
	if err := writeLog(path, e.MaxSize, e.MaxFiles, chunks); err != nil {
		t.Fatal(err)
	}
}

// withoutStamps checks every line's timestamp (RFC3339Nano as Go writes
// it, within [from, to]) and returns the file with the timestamps cut.
func withoutStamps(t *testing.T, b []byte, from, to time.Time) string {
	t.Helper()
	var out strings.Builder
	for len(b) > 0 {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			t.Fatalf("the log ends without a newline: %q", line)
		}
		b = rest
		ts, text, ok := bytes.Cut(line, []byte{' '})
		if !ok {
			t.Fatalf("a line without header: %q", line)
		}
		when, err := time.Parse(time.RFC3339Nano, string(ts))
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if got := when.UTC().Format(time.RFC3339Nano); got != string(ts) {
			t.Fatalf("timestamp %q is %q as Go writes it", ts, got)
		}
		if when.Before(from.Add(-time.Second)) || when.After(to.Add(time.Second)) {
			t.Fatalf("timestamp %s is not the time of writing", ts)
		}
		out.Write(text)
		out.WriteByte('\n')
	}
	return out.String()
}

func lines(n, width int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%0*d\n", width, i)
	}
	return b.String()
}

func TestLogSameAsLogFile(t *testing.T) {
	long := strings.Repeat("x", 40000)
	for _, tc := range []struct {
		name   string
		limits runtime.LogLimits
		segs   []segment
		// stale rotated files left before the log is opened
		stale []int
	}{
		{name: "lines", segs: []segment{{data: "a\nbb\n\nccc\n"}}},
		{name: "no final newline", segs: []segment{{data: "x\ny"}}},
		{name: "empty", segs: []segment{{data: ""}, {stderr: true, data: ""}}},
		{name: "stdout and stderr", segs: []segment{{data: "out 1\nout"}, {stderr: true, data: "err 1\nerr 2\n"}, {data: "out 2\n"}}},
		{name: "long line", segs: []segment{{data: long + "\n" + long}}},
		{name: "line of the buffer's size", segs: []segment{{data: strings.Repeat("y", 16384) + "\n" + strings.Repeat("z", 16383) + "\n" + strings.Repeat("w", 16385) + "\n"}}},
		{name: "partials on stderr", segs: []segment{{stderr: true, data: long}}},
		{name: "rotate max-file 1", limits: runtime.LogLimits{MaxSize: 500, MaxFiles: 1}, segs: []segment{{data: lines(100, 10)}}},
		{name: "rotate max-file 2", limits: runtime.LogLimits{MaxSize: 500, MaxFiles: 2}, segs: []segment{{data: lines(100, 10)}, {stderr: true, data: lines(30, 20)}}},
		{name: "rotate max-file 5", limits: runtime.LogLimits{MaxSize: 700, MaxFiles: 5}, segs: []segment{{data: lines(200, 7)}, {stderr: true, data: long}}},
		{name: "entry larger than max-size", limits: runtime.LogLimits{MaxSize: 100, MaxFiles: 3}, segs: []segment{{data: "short\n" + long + "\nshort\n"}}},
		{name: "never rotate", limits: runtime.LogLimits{MaxSize: -1}, segs: []segment{{data: lines(300, 10)}}},
		{name: "stale rotated files", limits: runtime.LogLimits{MaxSize: 500, MaxFiles: 2}, stale: []int{1, 2, 3, 4}, segs: []segment{{data: lines(20, 10)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rnd := rand.New(rand.NewSource(int64(len(tc.name))))
			goDir, cDir := t.TempDir(), t.TempDir()
			for _, dir := range []string{goDir, cDir} {
				for _, n := range tc.stale {
					if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("ctr.log.%d", n)), []byte("old\n"), 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			from := time.Now()
			goLog(t, filepath.Join(goDir, "ctr.log"), tc.limits, tc.segs)
			cLog(t, filepath.Join(cDir, "ctr.log"), tc.limits, tc.segs, rnd)
			to := time.Now()
			for _, name := range append([]string{"ctr.log"}, "ctr.log.1", "ctr.log.2", "ctr.log.3", "ctr.log.4", "ctr.log.5", "ctr.log.6") {
				want, werr := os.ReadFile(filepath.Join(goDir, name))
				got, gerr := os.ReadFile(filepath.Join(cDir, name))
				if os.IsNotExist(werr) != os.IsNotExist(gerr) {
					t.Fatalf("%s: LogFile: %v, monlog.c: %v", name, werr, gerr)
				}
				if werr != nil {
					continue
				}
				w, g := withoutStamps(t, want, from, to), withoutStamps(t, got, from, to)
				if w != g {
					t.Errorf("%s differs:\nLogFile:  %.300q\nmonlog.c: %.300q", name, w, g)
				}
			}
		})
	}
}

func TestStampAsGo(t *testing.T) {
	base := time.Date(2026, 12, 6, 1, 2, 3, 0, time.UTC)
	for _, ns := range []int{0, 1, 10, 100000000, 120000000, 123456789, 999999999, 500, 1000000} {
		tm := base.Add(time.Duration(ns))
		if got, want := stamp(tm), tm.Format(time.RFC3339Nano); got != want {
			t.Errorf("%d ns: got %q, want %q", ns, got, want)
		}
	}
	for _, tm := range []time.Time{time.Unix(0, 0), time.Date(1999, 12, 31, 23, 59, 59, 1, time.UTC), time.Now()} {
		if got, want := stamp(tm), tm.UTC().Format(time.RFC3339Nano); got != want {
			t.Errorf("%v: got %q, want %q", tm, got, want)
		}
	}
}
