package format

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/setting"
)

func TestFormatterBounds(t *testing.T) {
	if _, err := New("{{range 100000000000}}x{{end}}"); err == nil || !strings.Contains(err.Error(), "at most 65536") {
		t.Fatalf("range over a huge literal: %v", err)
	}
	if _, err := New("{{if 1}}{{range 1e9}}{{end}}{{end}}"); err == nil {
		t.Fatal("range over a float literal in an if accepted")
	}
	fm, err := New("{{range 3}}{{$}}{{end}}")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := fm.Render(&out, []any{"ab"}); err != nil || out.String() != "ababab\n" {
		t.Fatalf("%q %v", out.String(), err)
	}
	fm, err = New("{{range 65536}}{{$}}{{end}}")
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = fm.Render(&out, []any{strings.Repeat("x", 100)})
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Fatalf("6.5 MB for one item: %v", err)
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 2130000: "2.13 MB", 1e9: "1 GB", -1: "unknown"} {
		if got := HumanSize(n); got != want {
			t.Errorf("%d: %q want %q", n, got, want)
		}
	}
}

func TestSince(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Second: "Less than a minute ago", 5 * time.Minute: "5 minutes ago", 90 * time.Minute: "An hour ago",
		3 * time.Hour: "3 hours ago", 72 * time.Hour: "3 days ago", 15 * 24 * time.Hour: "2 weeks ago", 800 * 24 * time.Hour: "2 years ago",
	} {
		if got := Since(time.Now().Add(-d)); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
	if got := Since(time.Time{}); got != "unknown" {
		t.Errorf("zero time: %q", got)
	}
}

type row struct{ Repository, Tag string }

func TestFormatterTemplate(t *testing.T) {
	f, err := New("{{.Repository}}:{{.Tag}}")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := f.Render(&b, []any{row{Repository: "r", Tag: "t"}}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "r:t\n" {
		t.Fatalf("%q", b.String())
	}
	_, err = New("{{.Nope")
	if e, ok := setting.As(err); !ok || !slices.Equal(e.Names(), []string{"format"}) || !strings.HasPrefix(err.Error(), `parse format "{{.Nope": `) {
		t.Fatalf("bad template: %v", err)
	}
}

func TestFormatterWrite(t *testing.T) {
	table := func(w io.Writer) { fmt.Fprintln(w, "A\tB") }
	for _, tc := range []struct {
		format string
		rows   []any
		want   string
	}{
		{"", nil, "A   B\n"},
		{"json", nil, "[]\n"},
		{"json", []any{row{"r", "t"}}, "[\n    {\n        \"Repository\": \"r\",\n        \"Tag\": \"t\"\n    }\n]\n"},
		{"table {{.Tag}}\\t{{.Repository}}", []any{row{"r", "t"}}, "t   r\n"},
	} {
		f, err := New(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := f.Write(&b, tc.rows, table); err != nil || b.String() != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.format, b.String(), err, tc.want)
		}
		if f.Template() != (tc.format != "" && tc.format != "json") {
			t.Errorf("%q: Template() = %v", tc.format, f.Template())
		}
	}
}
