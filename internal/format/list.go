package format

import (
	"bufio"
	"bytes"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/husk-dev/husk/internal/setting"
)

// List says how a list command (ps, images, volume ls, network ls) shows
// its rows when --format is not json.
type List struct {
	// Default is the table template used when --format is "" or "table".
	Default string
	// Headers name the columns of fields whose header is not the field's
	// name split into upper-case words ("CreatedAt" is "CREATED AT").
	Headers map[string]string
	// Row is a zero row: its fields name the headers when there are no
	// rows.
	Row any
	// NoHeading leaves out the header row of a table.
	NoHeading bool
}

// WriteList prints rows as podman's list commands do: JSON (jsonRows,
// "[]" for none); through a template, as it writes them (tabs stay
// tabs); or, for the default format and "table TEMPLATE", as a table
// whose header row is the template run on the columns' names.
func (f *Formatter) WriteList(w io.Writer, rows []any, jsonRows any, l List) error {
	if f.Format == "json" {
		if jsonRows == nil || reflect.ValueOf(jsonRows).Len() == 0 {
			jsonRows = []any{}
		}
		return JSON(w, jsonRows)
	}
	g := f
	if f.tmpl == nil {
		var err error
		if g, err = New(l.Default); err != nil {
			return err
		}
	}
	var out io.Writer = w
	var tw *tabwriter.Writer
	var bw *bufio.Writer
	if g.Table {
		// The table writes cell by cell: one write(2) per cell to a
		// terminal or pipe (~1400 for ps -a of 100 containers) without
		// the buffer.
		bw = bufio.NewWriterSize(w, 64<<10)
		tw = tabwriter.NewWriter(bw, 12, 2, 2, ' ', 0)
		out = tw
	}
	var buf bytes.Buffer
	if g.Table && !l.NoHeading {
		row := l.Row
		if len(rows) > 0 {
			row = rows[0]
		}
		if err := g.tmpl.Execute(&limitedWriter{w: &buf, left: maxRowOutput}, Headers(row, l.Headers)); err != nil {
			return setting.Errorf("render the header of {format}: %w", err)
		}
		if _, err := out.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	for _, r := range rows {
		buf.Reset()
		if err := g.tmpl.Execute(&limitedWriter{w: &buf, left: maxRowOutput}, r); err != nil {
			return setting.Errorf("render {format}: %w", err)
		}
		if _, err := out.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	if tw == nil {
		return nil
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// Headers maps the fields and methods of row to their column headers:
// overrides, else the name split into upper-case words.
func Headers(row any, overrides map[string]string) map[string]string {
	h := map[string]string{}
	if row == nil {
		return h
	}
	t := reflect.TypeOf(row)
	for i := 0; i < t.NumMethod(); i++ {
		h[t.Method(i).Name] = header(t.Method(i).Name)
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			if sf := t.Field(i); sf.IsExported() {
				h[sf.Name] = header(sf.Name)
			}
		}
	}
	for k, v := range overrides {
		h[k] = v
	}
	return h
}

// header splits a Go name into upper-case words: "CreatedAt" is
// "CREATED AT", "ImageID" is "IMAGE ID".
func header(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) &&
			(unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// tableColumns makes a "table" template without tabs into columns as
// podman does: the spaces between its actions become tabs; those inside
// an action stay.
func tableColumns(text string) string {
	if strings.Contains(text, "\t") {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			b.WriteString(strings.ReplaceAll(text, " ", "\t"))
			return b.String()
		}
		b.WriteString(strings.ReplaceAll(text[:i], " ", "\t"))
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			b.WriteString(text[i:])
			return b.String()
		}
		b.WriteString(text[i : i+j+2])
		text = text[i+j+2:]
	}
}
