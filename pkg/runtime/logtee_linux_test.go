package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What a foreground container writes reaches the log line by line,
// however the writes cut it, a long line in partial pieces and an
// unfinished last line as a partial one.
func TestLogLineWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctr.log")
	l, err := OpenLog(path, LogLimits{MaxSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	w := &logLineWriter{l: l, stream: "stdout"}
	long := strings.Repeat("y", logLineMax+5)
	for _, s := range []string{"on", "e\ntw", "o\r\n", long + "\n", "tail"} {
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		_, rest, _ := strings.Cut(line, " ")
		got = append(got, rest)
	}
	want := []string{"stdout F one", "stdout F two\r", "stdout P " + long[:logLineMax], "stdout F yyyyy", "stdout P tail"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("log:\n%q\nwant\n%q", got, want)
	}
}
