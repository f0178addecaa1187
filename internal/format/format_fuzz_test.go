package format

import (
	"strings"
	"testing"
	"time"
)

// FuzzFormat feeds --format templates; whatever they say, the output for
// a row stays bounded.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{"{{.Names}} {{.Status}}", "table {{.ID}}\\t{{.Image}}", "{{json .}}", "{{upper .Names}}", "{{range 3}}x{{end}}",
		"{{range 100000000000}}{{end}}", "{{define \"a\"}}{{template \"a\"}}{{end}}{{template \"a\"}}", "{{.Nope}}", "{{join .Names \",\"}}", "{{", "json"} {
		f.Add(s)
	}
	type psLike struct {
		ID, Image, Command, Names, Status string
		CreatedAt                         time.Time
	}
	type imageLike struct{ Repository, Tag, ID, Size string }
	rows := []any{
		psLike{ID: "0123456789ab", Image: "busybox", Command: "sh", Names: "web", Status: "Up", CreatedAt: time.Unix(0, 0)},
		imageLike{Repository: "r", Tag: "t", ID: "abc", Size: "1 MB"},
		map[string]any{"Names": []string{"a", "b"}, "Nested": map[string]int{"x": 1}},
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := New(s)
		if err != nil || !fm.Template() {
			return
		}
		var out strings.Builder
		_ = fm.Render(&out, rows)
		if out.Len() > len(rows)*(maxRowOutput+1024) {
			t.Fatalf("%q: %d bytes of output", s, out.Len())
		}
	})
}

// FuzzWriteList feeds --format values of the list commands: a "table"
// template runs on the headers as well; whatever it says, nothing panics
// and the output stays bounded.
func FuzzWriteList(f *testing.F) {
	for _, s := range []string{"table {{.ID}} {{.Names}}", "table {{.Labels.x}}", "table {{range .Names}}{{.}}{{end}}", "table", "",
		"table {{json .}}", "{{.Names}} {{", "table {{upper .ID}} x {{join .Names \", \"}}", "json"} {
		f.Add(s)
	}
	type row struct {
		ID     string
		Names  []string
		Labels map[string]string
	}
	rows := []any{row{ID: "0123", Names: []string{"a"}, Labels: map[string]string{"x": "y"}}, row{ID: "4567"}}
	l := List{Default: "table {{.ID}}\t{{.Names}}", Headers: map[string]string{"ID": "CONTAINER ID"}, Row: row{}}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := New(s)
		if err != nil {
			return
		}
		var out strings.Builder
		_ = fm.WriteList(&out, rows, []int{}, l)
		if out.Len() > (len(rows)+1)*(maxRowOutput+1024) {
			t.Fatalf("%q: %d bytes of output", s, out.Len())
		}
	})
}
