// Package format is how husk's commands show what they report: sizes and
// ages as people read them, JSON, aligned tables, and rows through a Go
// template the user gives (--format), bounded so that a template cannot
// spin or fill the memory.
package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/husk-dev/husk/internal/setting"
)

// HumanSize prints bytes in SI units, as podman and docker do.
func HumanSize(n int64) string {
	if n < 0 {
		return "unknown"
	}
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d %s", n, units[i])
	}
	return fmt.Sprintf("%.3g %s", f, units[i])
}

// Since prints a time as "3 hours ago".
func Since(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "Less than a minute ago"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d.Hours()), "hour") + " ago"
	case d < 14*24*time.Hour:
		return plural(int(d.Hours()/24), "day") + " ago"
	case d < 60*24*time.Hour:
		return plural(int(d.Hours()/24/7), "week") + " ago"
	case d < 730*24*time.Hour:
		return plural(int(d.Hours()/24/30), "month") + " ago"
	}
	return plural(int(d.Hours()/24/365), "year") + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		if unit == "hour" {
			return "An hour"
		}
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// JSON prints v indented, as inspect commands do.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// NewTable is a writer that aligns tab-separated columns as husk's
// tables do; the caller flushes it.
func NewTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
}

// Formatter renders rows either as a table, as JSON, or through a Go
// template ("table " prefix keeps the header).
type Formatter struct {
	// Format is the format as given: "", "json" or a template.
	Format string
	// Table is set when the template asked for the table's header.
	Table bool
	tmpl  *template.Template
}

// New checks format: "" (a table), "json", or a Go template.
func New(format string) (*Formatter, error) {
	f := &Formatter{Format: format}
	if strings.TrimSpace(format) == "table" {
		// docker's and podman's word for the default table
		f.Format = ""
		f.Table = true
		return f, nil
	}
	if format == "" || format == "json" {
		return f, nil
	}
	text := format
	if strings.HasPrefix(text, "table ") {
		f.Table = true
		text = strings.TrimPrefix(text, "table ")
	}
	text = strings.ReplaceAll(text, `\t`, "\t")
	if f.Table {
		text = tableColumns(text)
	}
	t, err := template.New("format").Funcs(template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"upper": strings.ToUpper,
		"lower": strings.ToLower,
		"join":  strings.Join,
	}).Funcs(templateFuncs).Parse(text + "\n")
	if err != nil {
		return nil, setting.Errorf("parse {format} %q: %w", format, err)
	}
	for _, tt := range t.Templates() {
		if tt.Tree == nil {
			continue
		}
		if err := checkRanges(tt.Tree.Root); err != nil {
			return nil, setting.Errorf("{format} %q: %w", format, err)
		}
	}
	f.tmpl = t
	return f, nil
}

// maxRangeLiteral bounds {{range N}} over a number written in the
// template; larger ones only spin (text/template cannot be stopped).
const maxRangeLiteral = 1 << 16

// checkRanges refuses {{range N}} with a literal N over maxRangeLiteral.
func checkRanges(n parse.Node) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := checkRanges(c); err != nil {
				return err
			}
		}
	case *parse.RangeNode:
		if n.Pipe != nil {
			for _, c := range n.Pipe.Cmds {
				for _, a := range c.Args {
					if num, ok := a.(*parse.NumberNode); ok && (!num.IsInt || num.Int64 > maxRangeLiteral) {
						return fmt.Errorf("range over %s: at most %d", num.Text, maxRangeLiteral)
					}
				}
			}
		}
		if err := checkRanges(n.List); err != nil {
			return err
		}
		return checkRanges(n.ElseList)
	case *parse.IfNode:
		if err := checkRanges(n.List); err != nil {
			return err
		}
		return checkRanges(n.ElseList)
	case *parse.WithNode:
		if err := checkRanges(n.List); err != nil {
			return err
		}
		return checkRanges(n.ElseList)
	}
	return nil
}

// maxRowOutput bounds what the template writes for one row: the table
// writer holds all rows until the end.
const maxRowOutput = 1 << 20

// Template reports whether the format is a template.
func (f *Formatter) Template() bool { return f.tmpl != nil }

// Write prints rows as JSON ("[]" for none), through the template, or,
// when the format is neither, as the table that table writes.
func (f *Formatter) Write(w io.Writer, rows []any, table func(tw io.Writer)) error {
	switch {
	case f.Format == "json":
		if rows == nil {
			rows = []any{}
		}
		return JSON(w, rows)
	case f.tmpl != nil:
		return f.Render(w, rows)
	}
	tw := NewTable(w)
	table(tw)
	return tw.Flush()
}

// Render writes each row through the template.
func (f *Formatter) Render(w io.Writer, rows []any) error {
	tw := NewTable(w)
	var buf bytes.Buffer
	for _, r := range rows {
		buf.Reset()
		if err := f.tmpl.Execute(&limitedWriter{w: &buf, left: maxRowOutput}, r); err != nil {
			return setting.Errorf("render {format}: %w", err)
		}
		if _, err := tw.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// limitedWriter fails once more than left bytes were written.
type limitedWriter struct {
	w    io.Writer
	left int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > l.left {
		return 0, fmt.Errorf("the output for one item is larger than %d MiB", maxRowOutput>>20)
	}
	l.left -= len(p)
	return l.w.Write(p)
}
