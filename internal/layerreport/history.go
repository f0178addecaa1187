package layerreport

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/storage"
)

// HistoryOptions say how husk history shows an image's history.
type HistoryOptions struct {
	// NoTrunc shows full IDs and CREATED BY.
	NoTrunc bool
	// Quiet prints only the IDs.
	Quiet bool
	// Human shows ages ("2 years ago") rather than times in CREATED.
	Human bool
}

// HistoryRow is one line of husk history; its fields (and methods) are
// what --format templates see, as podman's.
type HistoryRow struct {
	ID           string
	Created      string
	CreatedAt    string
	CreatedSince string
	CreatedBy    string
	Size         string
	Comment      string
	Tags         []string
}

// HistoryJSON is one entry of husk history --format json, podman's keys.
type HistoryJSON struct {
	ID        string     `json:"id"`
	Created   *time.Time `json:"created,omitempty"`
	CreatedBy string     `json:"CreatedBy,omitempty"`
	Size      int64      `json:"size"`
	Comment   string     `json:"comment,omitempty"`
	Tags      []string   `json:"tags,omitempty"`
}

// createdByWidth is how much of CREATED BY the table shows, as podman.
const createdByWidth = 45

// WriteHistory prints entries (newest first) as fm and o say.
func WriteHistory(w io.Writer, entries []storage.HistoryEntry, fm *format.Formatter, o HistoryOptions) error {
	if fm.Format == "json" {
		out := make([]HistoryJSON, 0, len(entries))
		for _, e := range entries {
			out = append(out, HistoryJSON{ID: e.ID, Created: e.Created, CreatedBy: e.CreatedBy, Size: e.Size, Comment: e.Comment, Tags: e.Tags})
		}
		return format.JSON(w, out)
	}
	rows := make([]any, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, historyRow(e, o))
	}
	if o.Quiet {
		for _, r := range rows {
			if _, err := fmt.Fprintln(w, r.(HistoryRow).ID); err != nil {
				return err
			}
		}
		return nil
	}
	if fm.Template() {
		if fm.Table {
			fmt.Fprintln(w, strings.ToUpper(strings.NewReplacer("{{", "", "}}", "", ".", "").Replace(strings.TrimPrefix(fm.Format, "table "))))
		}
		return fm.Render(w, rows)
	}
	tw := format.NewTable(w)
	fmt.Fprintln(tw, "ID\tCREATED\tCREATED BY\tSIZE\tCOMMENT")
	for _, r := range rows {
		row := r.(HistoryRow)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", row.ID, row.Created, oneLine(row.CreatedBy), row.Size, oneLine(row.Comment))
	}
	return tw.Flush()
}

func historyRow(e storage.HistoryEntry, o HistoryOptions) HistoryRow {
	r := HistoryRow{ID: e.ID, CreatedBy: e.CreatedBy, Size: format.HumanSize(e.Size), Comment: e.Comment, Tags: e.Tags}
	if !o.NoTrunc {
		if e.ID != storage.MissingID && len(r.ID) > 12 {
			r.ID = r.ID[:12]
		}
		r.CreatedBy = truncate(r.CreatedBy, createdByWidth)
	}
	if e.Created != nil {
		r.CreatedAt = e.Created.String()
		r.CreatedSince = format.Since(*e.Created)
		r.Created = e.Created.Format(time.RFC3339)
	}
	if o.Human {
		r.Created = r.CreatedSince
	}
	if r.Created == "" {
		r.Created = "unknown"
	}
	return r
}

// oneLine keeps a table row on one line: a history step's command may
// hold newlines (a heredoc).
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
}

// truncate shortens s to n characters, the last three "...".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}
