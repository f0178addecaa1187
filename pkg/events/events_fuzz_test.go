package events

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A journal may hold anything (a crash mid-line, another program's
// writes): reading it never panics, and every event passed on decoded
// from a whole line.
func FuzzScan(f *testing.F) {
	f.Add([]byte(`{"Status":"start","Time":"2026-12-05T19:00:00Z","Type":"container"}` + "\n"))
	f.Add([]byte("{\"Status\":\n\x00\xff{}\n\n{\"Type\":\"image\"}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		rest, err := scan(bytes.NewReader(b), nil, Options{}, func(Event) error { n++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if n > bytes.Count(b, []byte("\n")) {
			t.Fatalf("%d events from %d lines", n, bytes.Count(b, []byte("\n")))
		}
		if len(rest) > 0 && bytes.IndexByte(rest, '\n') >= 0 {
			t.Fatalf("the incomplete rest %q holds a newline", rest)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"10m", "2026-12-05T19:00:00Z", "1700000000.5", "", "1e9", "-1h"} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := ParseTime(s, true, now); err != nil && !strings.Contains(err.Error(), "invalid time") {
			t.Fatalf("%q: %v", s, err)
		}
	})
}

func FuzzParseFilters(f *testing.F) {
	for _, s := range []string{"type=container", "label=a=b", "x", "=", "status=died"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFilters([]string{s})
		if err == nil {
			// Whatever parses can be matched.
			_ = (Options{Filters: got}).Match(Event{Type: Container, Attributes: map[string]string{"a": "b"}})
		}
	})
}

func TestHugeAttributesAreDropped(t *testing.T) {
	j := New(t.TempDir())
	attrs := map[string]string{}
	for i := 0; i < 1000; i++ {
		attrs[strings.Repeat("k", 10)+string(rune('a'+i%26))+strings.Repeat("x", i%7)+string(rune(i))] = strings.Repeat("v", 100)
	}
	must(t, j.Append(Event{Type: Container, Status: Start, ID: "big", Attributes: attrs}))
	got := readAll(t, j, Options{})
	if len(got) != 1 || got[0].ID != "big" || len(got[0].Attributes) != 1 || got[0].Attributes["truncated"] != "true" {
		t.Fatalf("got %d events, attributes %d", len(got), len(got[0].Attributes))
	}
}
