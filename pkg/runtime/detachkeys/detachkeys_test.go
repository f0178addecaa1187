package detachkeys

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParse(t *testing.T) {
	for spec, want := range map[string]string{
		"":              "",
		"ctrl-p,ctrl-q": "\x10\x11",
		"a,ctrl-z":      "a\x1a",
		"ctrl-@,ctrl-[": "\x00\x1b",
		"ctrl-_,x":      "\x1fx",
	} {
		got, err := Parse(spec)
		if err != nil || string(got) != want {
			t.Errorf("%q: %q %v, want %q", spec, got, err, want)
		}
	}
	// podman's refusals.
	for _, spec := range []string{"foo", "ctrl-1", "ctrl-A", "ctrl-p,,q", "ab", "ctrl-", ","} {
		if _, err := Parse(spec); err == nil {
			t.Errorf("%q accepted", spec)
		}
	}
}

func TestDetachReader(t *testing.T) {
	keys := []byte("\x10\x11")
	for _, tc := range []struct {
		in, out  string
		detached bool
	}{
		{"hello\n", "hello\n", false},
		{"hi\x10\x11after", "hi", true},
		{"\x10x\x10\x11", "\x10x", true},
		{"\x10\x10\x11", "\x10", true},
		{"a\x10", "a\x10", false}, // an unfinished sequence at the end is input
		{"\x11\x10", "\x11\x10", false},
	} {
		for _, one := range []bool{false, true} {
			var src io.Reader = strings.NewReader(tc.in)
			if one {
				src = iotest.OneByteReader(src)
			}
			got, err := io.ReadAll(NewReader(src, keys))
			if string(got) != tc.out || errors.Is(err, ErrDetached) != tc.detached {
				t.Errorf("%q (one byte a read: %v): %q %v, want %q detached %v", tc.in, one, got, err, tc.out, tc.detached)
			}
		}
	}
	// Without keys the input is passed as it is.
	got, _ := io.ReadAll(NewReader(strings.NewReader("\x10\x11"), nil))
	if string(got) != "\x10\x11" {
		t.Errorf("no keys: %q", got)
	}
}
