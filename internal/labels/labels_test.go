package labels

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/husk-dev/husk/internal/userfile"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	f1 := filepath.Join(dir, "a")
	f2 := filepath.Join(dir, "b")
	must(t, os.WriteFile(f1, []byte("# comment\n\n  a=1\nb=from file\nempty\r\nc=x=y\n"), 0o600))
	must(t, os.WriteFile(f2, []byte("a=2\n"), 0o600))
	got, err := Parse([]string{"b=flag", "d", "e="}, []string{f1, f2})
	must(t, err)
	want := map[string]string{"a": "2", "b": "flag", "empty": "", "c": "x=y", "d": "", "e": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, err := Parse(nil, nil); err != nil || got != nil {
		t.Errorf("nothing given: %v, %v", got, err)
	}
}

func TestParseErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	must(t, os.WriteFile(big, make([]byte, FileLimit+1), 0o600))
	fifo := filepath.Join(dir, "fifo")
	must(t, syscall.Mkfifo(fifo, 0o600))
	bad := filepath.Join(dir, "bad")
	must(t, os.WriteFile(bad, []byte("ok=1\nmy key=2\n"), 0o600))
	for _, c := range []struct {
		vals, files []string
		want        string
		is          error
	}{
		{[]string{""}, nil, `label "": empty key`, nil},
		{[]string{"=v"}, nil, `label "=v": empty key`, nil},
		{nil, []string{filepath.Join(dir, "missing")}, "no such file", nil},
		{nil, []string{big}, "larger than the limit", userfile.ErrTooLarge},
		{nil, []string{fifo}, "not a regular file", userfile.ErrNotRegular},
		{nil, []string{dir}, "not a regular file", userfile.ErrNotRegular},
		{nil, []string{bad}, `line 2: key "my key" contains white space`, nil},
	} {
		_, err := Parse(c.vals, c.files)
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%v %v: got %v, want %q", c.vals, c.files, err, c.want)
		}
	}
}

func TestAnnotations(t *testing.T) {
	got, err := Annotations([]string{"a=1", "b=", "a=2"})
	must(t, err)
	if !reflect.DeepEqual(got, map[string]string{"a": "2", "b": ""}) {
		t.Errorf("got %v", got)
	}
	if _, err := Annotations([]string{"novalue"}); err == nil || !strings.Contains(err.Error(), "KEY=VALUE") {
		t.Errorf("got %v", err)
	}
}

func TestMerge(t *testing.T) {
	if got := Merge(map[string]string{"a": "img", "b": "img"}, map[string]string{"b": "user"}); !reflect.DeepEqual(got, map[string]string{"a": "img", "b": "user"}) {
		t.Errorf("got %v", got)
	}
	if Merge(nil, map[string]string{}) != nil {
		t.Error("empty merge is not nil")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
