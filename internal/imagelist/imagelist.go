// Package imagelist is husk images: which stored images it lists
// (--filter, a reference) and how it shows them: IDs, a table, JSON or
// rows through a template, as podman's images does.
package imagelist

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/storage"
)

// Image is a stored image with what images shows of it besides the
// store's summary.
type Image struct {
	storage.ImageSummary
	// Labels are the image config's labels.
	Labels map[string]string
	// Containers is how many of husk's containers use the image.
	Containers int
	// ReadOnly images are in a read-only additional store.
	ReadOnly bool
}

// Row is one line of husk images; its fields are what --format templates
// see (podman's names).
type Row struct {
	Repository, Tag, ID, Digest string
	// CreatedSince and Created say how long ago the image was created
	// ("2 years ago"); CreatedAt is when.
	CreatedSince, Created string
	CreatedAt             time.Time
	// Size is the size in words ("2.13 MB"); VirtualSize is in bytes.
	Size        string
	VirtualSize int64
	SharedSize  int64
	Labels      map[string]string
	Dangling    bool
	Containers  int
	ReadOnly    bool
	// History is the image's names, joined; Names are they as a list.
	History string
	Names   []string
}

// headers are the columns whose header is not the field's name in words.
var headers = map[string]string{"ID": "IMAGE ID", "CreatedSince": "CREATED", "Created": "CREATED", "ReadOnly": "R/O"}

// JSON is one entry of husk images --format json: podman's keys.
type JSON struct {
	ID          string            `json:"Id"`
	ParentID    string            `json:"ParentId"`
	RepoTags    []string          `json:"RepoTags"`
	RepoDigests []string          `json:"RepoDigests"`
	Size        int64             `json:"Size"`
	SharedSize  int64             `json:"SharedSize"`
	VirtualSize int64             `json:"VirtualSize"`
	Labels      map[string]string `json:"Labels"`
	Containers  int               `json:"Containers"`
	Names       []string          `json:"Names"`
	Digest      string            `json:"Digest"`
	History     []string          `json:"History"`
	Created     int64             `json:"Created"`
	CreatedAt   string            `json:"CreatedAt"`
	// Dangling is always there (podman leaves it out when false), as
	// scripts ask for it.
	Dangling bool `json:"Dangling"`
	ReadOnly bool `json:"ReadOnly,omitempty"`
}

// Options say how to show images.
type Options struct {
	Quiet, Digests, NoTrunc, NoHeading bool
	// Sort orders the rows: created (newest first, the default), id,
	// repository, size or tag.
	Sort string
}

// SortKeys are the values of Options.Sort.
var SortKeys = []string{"created", "id", "repository", "size", "tag"}

// Write prints imgs as fm and o say: JSON, their IDs, through a template
// or as a table.
func Write(w io.Writer, imgs []Image, fm *format.Formatter, o Options) error {
	return write(w, imgs, fm, o, time.Now())
}

func write(w io.Writer, imgs []Image, fm *format.Formatter, o Options, now time.Time) error {
	if o.Sort != "" && !slices.Contains(SortKeys, o.Sort) {
		return setting.Errorf("{sort} %q: use one of %s", o.Sort, strings.Join(SortKeys, ", "))
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
	js := make([]JSON, 0, len(imgs))
	var rows []Row
	for _, img := range imgs {
		js = append(js, makeJSON(img))
		// one row per name, in order (podman's order for names tagged
		// in any order)
		sorted := slices.Sorted(slices.Values(img.Names))
		names := rowNames(sorted)
		if len(names) == 0 {
			names = []string{"<none>:<none>"}
		}
		for _, n := range names {
			repo, tag := splitName(n)
			created := format.Ago(img.Created, now)
			rows = append(rows, Row{
				Repository: repo, Tag: tag, ID: shortID(img.ID, o.NoTrunc), Digest: img.Digest.String(),
				CreatedSince: created, Created: created, CreatedAt: img.Created, Size: format.HumanSize(img.Size),
				VirtualSize: img.Size, Labels: labels(img.Labels), Dangling: img.Dangling, Containers: img.Containers,
				ReadOnly: img.ReadOnly, History: strings.Join(img.Names, ", "), Names: sorted,
			})
		}
	}
	sortRows(rows, o.Sort)
	items := make([]any, 0, len(rows))
	for _, r := range rows {
		items = append(items, r)
	}
	def := "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
	if o.Digests {
		def = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
	}
	return fm.WriteList(w, items, js, format.List{Default: def, Headers: headers, Row: Row{}, NoHeading: o.NoHeading})
}

func labels(l map[string]string) map[string]string {
	if l == nil {
		return map[string]string{}
	}
	return l
}

func makeJSON(img Image) JSON {
	j := JSON{ID: img.ID, Size: img.Size, VirtualSize: img.Size, Labels: img.Labels, Containers: img.Containers,
		Names: img.Names, Digest: img.Digest.String(), Created: img.Created.Unix(), CreatedAt: img.Created.UTC().Format(time.RFC3339Nano),
		Dangling: img.Dangling, ReadOnly: img.ReadOnly}
	for _, n := range img.Names {
		repo, tag := splitName(n)
		if tag != "<none>" {
			j.RepoTags = append(j.RepoTags, n)
		}
		if d := repo + "@" + img.Digest.String(); img.Digest != "" && !slices.Contains(j.RepoDigests, d) {
			j.RepoDigests = append(j.RepoDigests, d)
		}
	}
	j.History = img.Names
	return j
}

// sortRows orders rows by key as podman does: created newest first,
// size largest first, the others in ascending order.
func sortRows(rows []Row, key string) {
	less := map[string]func(a, b Row) bool{
		"":           func(a, b Row) bool { return a.CreatedAt.After(b.CreatedAt) },
		"created":    func(a, b Row) bool { return a.CreatedAt.After(b.CreatedAt) },
		"id":         func(a, b Row) bool { return a.ID < b.ID },
		"repository": func(a, b Row) bool { return a.Repository < b.Repository },
		"tag":        func(a, b Row) bool { return a.Tag < b.Tag },
		"size":       func(a, b Row) bool { return a.VirtualSize > b.VirtualSize },
	}[key]
	sort.SliceStable(rows, func(i, j int) bool { return less(rows[i], rows[j]) })
}

// HideIntermediate drops the intermediate images (husk images without
// --all).
func HideIntermediate(imgs []Image) []Image {
	out := imgs[:0:0]
	for _, img := range imgs {
		if !img.Intermediate {
			out = append(out, img)
		}
	}
	return out
}

// rowNames are the names that get a row: a name by digest
// ("repo@sha256:…", what a pull by digest records) gets one, as "repo
// <none>", only when no tagged name of the image has that repository, as
// podman has it.
func rowNames(names []string) []string {
	tagged := map[string]bool{}
	for _, n := range names {
		if repo, tag := splitName(n); tag != "<none>" {
			tagged[repo] = true
		}
	}
	var out []string
	for _, n := range names {
		if repo, _ := splitName(n); strings.Contains(n, "@") && tagged[repo] {
			continue
		}
		out = append(out, n)
	}
	return out
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
