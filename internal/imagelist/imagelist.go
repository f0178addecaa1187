// Package imagelist is husk images: which stored images it lists
// (--filter, a reference) and how it shows them: IDs, a table, JSON or
// rows through a template.
package imagelist

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/storage"
)

// Row is one line of husk images; its fields are what --format templates
// see.
type Row struct {
	Repository   string
	Tag          string
	ID           string
	Digest       string
	Created      time.Time
	CreatedSince string
	Size         string
	VirtualSize  int64
}

// JSON is one entry of husk images --format json.
type JSON struct {
	ID       string    `json:"Id"`
	Names    []string  `json:"Names"`
	Digest   string    `json:"Digest"`
	Created  time.Time `json:"Created"`
	Size     int64     `json:"Size"`
	Dangling bool      `json:"Dangling"`
}

// Options say how to show images.
type Options struct {
	Quiet, Digests, NoTrunc bool
}

// Write prints imgs as fm and o say: JSON, their IDs, through a template
// or as a table.
func Write(w io.Writer, imgs []storage.ImageSummary, fm *format.Formatter, o Options) error {
	if fm.Format == "json" {
		out := make([]JSON, 0, len(imgs))
		for _, img := range imgs {
			out = append(out, JSON{ID: img.ID, Names: img.Names, Digest: img.Digest.String(), Created: img.Created, Size: img.Size, Dangling: img.Dangling})
		}
		return format.JSON(w, out)
	}
	if o.Quiet {
		seen := map[string]bool{}
		for _, img := range imgs {
			id := shortID(img.ID, o.NoTrunc)
			if !seen[id] {
				seen[id] = true
				fmt.Fprintln(w, id)
			}
		}
		return nil
	}
	var rows []any
	for _, img := range imgs {
		names := img.Names
		if len(names) == 0 {
			names = []string{"<none>:<none>"}
		}
		for _, n := range names {
			repo, tag := splitName(n)
			rows = append(rows, Row{
				Repository: repo, Tag: tag, ID: shortID(img.ID, o.NoTrunc), Digest: img.Digest.String(),
				Created: img.Created, CreatedSince: format.Since(img.Created), Size: format.HumanSize(img.Size), VirtualSize: img.Size,
			})
		}
	}
	if fm.Template() {
		if fm.Table {
			fmt.Fprintln(w, strings.ToUpper(strings.NewReplacer("{{", "", "}}", "", ".", "").Replace(strings.TrimPrefix(fm.Format, "table "))))
		}
		return fm.Render(w, rows)
	}
	tw := format.NewTable(w)
	if o.Digests {
		fmt.Fprintln(tw, "REPOSITORY\tTAG\tDIGEST\tIMAGE ID\tCREATED\tSIZE")
	} else {
		fmt.Fprintln(tw, "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE")
	}
	for _, r := range rows {
		row := r.(Row)
		if o.Digests {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", row.Repository, row.Tag, row.Digest, row.ID, row.CreatedSince, row.Size)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", row.Repository, row.Tag, row.ID, row.CreatedSince, row.Size)
		}
	}
	return tw.Flush()
}

// HideIntermediate drops the intermediate images (husk images without
// --all).
func HideIntermediate(imgs []storage.ImageSummary) []storage.ImageSummary {
	out := imgs[:0:0]
	for _, img := range imgs {
		if !img.Intermediate {
			out = append(out, img)
		}
	}
	return out
}

// Filter keeps the images that pass every filter (dangling=,
// reference=) and, if any references are given, match one of them.
func Filter(imgs []storage.ImageSummary, filters, args []string) ([]storage.ImageSummary, error) {
	var refs []string
	var dangling *bool
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: expected KEY=VALUE", f)
		}
		switch k {
		case "dangling":
			b := v == "true"
			if v != "true" && v != "false" {
				return nil, fmt.Errorf("invalid filter %q: dangling takes true or false", f)
			}
			dangling = &b
		case "reference":
			refs = append(refs, v)
		default:
			return nil, fmt.Errorf("unknown filter %q: use dangling= or reference=", k)
		}
	}
	refs = append(refs, args...)
	var out []storage.ImageSummary
	for _, img := range imgs {
		if dangling != nil && img.Dangling != *dangling {
			continue
		}
		if len(refs) > 0 && !matchesAny(img.Names, refs) {
			continue
		}
		out = append(out, img)
	}
	return out, nil
}

// matchesAny reports whether a name equals a pattern or ends with
// "/pattern", with or without the tag.
func matchesAny(names, patterns []string) bool {
	for _, n := range names {
		repo, _ := splitName(n)
		for _, p := range patterns {
			if n == p || repo == p || strings.HasSuffix(n, "/"+p) || strings.HasSuffix(repo, "/"+p) {
				return true
			}
		}
	}
	return false
}

// splitName splits "host/repo:tag" into repository and tag.
func splitName(n string) (string, string) {
	if i := strings.LastIndex(n, "@"); i >= 0 {
		return n[:i], "<none>"
	}
	i := strings.LastIndex(n, ":")
	if i < 0 || strings.Contains(n[i:], "/") {
		return n, "<none>"
	}
	return n[:i], n[i+1:]
}

func shortID(id string, noTrunc bool) string {
	if noTrunc {
		return "sha256:" + id
	}
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
