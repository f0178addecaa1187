package layerreport

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/storage"
)

func TestWriteDiff(t *testing.T) {
	changes := []storage.Change{
		{Kind: storage.Changed, Path: "/bin"}, {Kind: storage.Deleted, Path: "/bin/true"},
		{Kind: storage.Added, Path: "/new"},
	}
	var b bytes.Buffer
	if err := WriteDiff(&b, changes, ""); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "C /bin\nD /bin/true\nA /new\n" {
		t.Errorf("text = %q", got)
	}
	b.Reset()
	if err := WriteDiff(&b, changes, "json"); err != nil {
		t.Fatal(err)
	}
	var got map[string][]string
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["changed"][0] != "/bin" || got["deleted"][0] != "/bin/true" || got["added"][0] != "/new" {
		t.Errorf("json = %s", b.String())
	}
	// podman leaves empty lists out: no changes is {}.
	b.Reset()
	if err := WriteDiff(&b, nil, "json"); err != nil || strings.TrimSpace(b.String()) != "{}" {
		t.Errorf("json of nothing = %q, %v", b.String(), err)
	}
	if err := WriteDiff(&b, nil, "{{.Path}}"); err == nil {
		t.Error("a template was accepted")
	}
}

func historyEntries() []storage.HistoryEntry {
	old := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return []storage.HistoryEntry{
		{ID: strings.Repeat("a", 64), Created: &old, CreatedBy: "/bin/sh -c echo " + strings.Repeat("x", 60) + "\necho second line", Size: 2127872, Comment: "FROM base"},
		{ID: storage.MissingID, Created: &old, CreatedBy: "/bin/sh -c #(nop) LABEL a=b", Size: 0},
		{ID: strings.Repeat("b", 64), CreatedBy: "héllo wörld ünïcode " + strings.Repeat("é", 40)},
	}
}

func TestWriteHistoryTable(t *testing.T) {
	var b bytes.Buffer
	fm, _ := format.New("")
	if err := WriteHistory(&b, historyEntries(), fm, HistoryOptions{Human: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	if f := strings.Fields(lines[0]); strings.Join(f, " ") != "ID CREATED CREATED BY SIZE COMMENT" {
		t.Errorf("header %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "aaaaaaaaaaaa ") || !strings.Contains(lines[1], "years ago") || !strings.Contains(lines[1], "2.13 MB") {
		t.Errorf("row 1 %q", lines[1])
	}
	// CREATED BY is cut to 45 characters (runes), on one line.
	if !strings.Contains(lines[1], "/bin/sh -c echo "+strings.Repeat("x", 26)+"...") {
		t.Errorf("row 1 CREATED BY not cut at 45: %q", lines[1])
	}
	if !strings.HasPrefix(lines[2], "<missing> ") || !strings.Contains(lines[2], " 0 B ") {
		t.Errorf("row 2 %q", lines[2])
	}
	if !strings.Contains(lines[3], "unknown") || !strings.Contains(lines[3], "ééé...") {
		t.Errorf("row 3 %q", lines[3])
	}
}

func TestWriteHistoryOptions(t *testing.T) {
	entries := historyEntries()
	for _, tc := range []struct {
		name, format string
		o            HistoryOptions
		want         []string
	}{
		{"quiet", "", HistoryOptions{Quiet: true}, []string{"aaaaaaaaaaaa", "<missing>", "bbbbbbbbbbbb"}},
		{"quiet no-trunc", "", HistoryOptions{Quiet: true, NoTrunc: true}, []string{strings.Repeat("a", 64), "<missing>", strings.Repeat("b", 64)}},
		{"template", "{{.ID}}|{{.Created}}|{{.Size}}", HistoryOptions{}, []string{"aaaaaaaaaaaa|2024-01-01T00:00:00Z|2.13 MB", "<missing>|2024-01-01T00:00:00Z|0 B", "bbbbbbbbbbbb|unknown|0 B"}},
		{"template no-trunc", "{{.CreatedBy}}", HistoryOptions{NoTrunc: true}, []string{"/bin/sh -c echo " + strings.Repeat("x", 60), "echo second line", "/bin/sh -c #(nop) LABEL a=b", "héllo wörld ünïcode " + strings.Repeat("é", 40)}},
		{"table template", "table {{.ID}}", HistoryOptions{}, []string{"ID", "aaaaaaaaaaaa", "<missing>", "bbbbbbbbbbbb"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fm, err := format.New(tc.format)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := WriteHistory(&b, entries, fm, tc.o); err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			for i := range got {
				got[i] = strings.TrimRight(got[i], " ")
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestWriteHistoryJSON(t *testing.T) {
	fm, _ := format.New("json")
	var b bytes.Buffer
	if err := WriteHistory(&b, historyEntries(), fm, HistoryOptions{}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0]["id"] != strings.Repeat("a", 64) || got[0]["size"] != float64(2127872) ||
		got[0]["comment"] != "FROM base" || got[0]["created"] != "2024-01-01T00:00:00Z" {
		t.Errorf("json %s", b.String())
	}
	if _, ok := got[2]["created"]; ok {
		t.Errorf("an unknown time is shown: %v", got[2])
	}
	// Nothing is [] (an image without history).
	b.Reset()
	if err := WriteHistory(&b, nil, fm, HistoryOptions{}); err != nil || strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("json of nothing = %q, %v", b.String(), err)
	}
}
