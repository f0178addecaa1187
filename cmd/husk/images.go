//go:build linux

package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/storage"
)

// imageRow is one line of husk images; its fields are what --format
// templates see.
type imageRow struct {
	Repository   string
	Tag          string
	ID           string
	Digest       string
	Created      time.Time
	CreatedSince string
	Size         string
	VirtualSize  int64
}

// imageJSON is one entry of husk images --format json.
type imageJSON struct {
	ID       string    `json:"Id"`
	Names    []string  `json:"Names"`
	Digest   string    `json:"Digest"`
	Created  time.Time `json:"Created"`
	Size     int64     `json:"Size"`
	Dangling bool      `json:"Dangling"`
}

type imagesOptions struct {
	quiet, digests, noTrunc, all bool
	format                       string
	filters                      []string
}

func newImagesCommand(a *app) *cobra.Command {
	var o imagesOptions
	cmd := &cobra.Command{
		Use:     "images [flags] [REPOSITORY[:TAG]]",
		Aliases: []string{"list"},
		Short:   "List images in the store",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.listImages(o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print only image IDs")
	f.BoolVar(&o.digests, "digests", false, "show digests")
	f.BoolVar(&o.noTrunc, "no-trunc", false, "do not truncate IDs")
	f.BoolVarP(&o.all, "all", "a", false, "show all images (husk keeps no intermediate images; accepted for compatibility)")
	f.StringVar(&o.format, "format", "", "output format: json or a Go template (e.g. '{{.Repository}}:{{.Tag}}')")
	f.StringArrayVarP(&o.filters, "filter", "f", nil, "filter: dangling=true|false, reference=PATTERN")
	return cmd
}

func (a *app) listImages(o imagesOptions, args []string) error {
	fm, err := newFormatter(o.format)
	if err != nil {
		return err
	}
	store, err := a.openStore()
	if err != nil {
		return err
	}
	defer store.Close()
	imgs, err := store.Images()
	if err != nil {
		return err
	}
	imgs, err = filterImages(imgs, o.filters, args)
	if err != nil {
		return err
	}
	if o.format == "json" {
		out := make([]imageJSON, 0, len(imgs))
		for _, img := range imgs {
			out = append(out, imageJSON{ID: img.ID, Names: img.Names, Digest: img.Digest.String(), Created: img.Created, Size: img.Size, Dangling: img.Dangling})
		}
		return writeJSON(a.stdout, out)
	}
	if o.quiet {
		seen := map[string]bool{}
		for _, img := range imgs {
			id := shortID(img.ID, o.noTrunc)
			if !seen[id] {
				seen[id] = true
				fmt.Fprintln(a.stdout, id)
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
			rows = append(rows, imageRow{
				Repository: repo, Tag: tag, ID: shortID(img.ID, o.noTrunc), Digest: img.Digest.String(),
				Created: img.Created, CreatedSince: since(img.Created), Size: humanSize(img.Size), VirtualSize: img.Size,
			})
		}
	}
	if fm.tmpl != nil {
		if fm.table {
			fmt.Fprintln(a.stdout, strings.ToUpper(strings.NewReplacer("{{", "", "}}", "", ".", "").Replace(strings.TrimPrefix(o.format, "table "))))
		}
		return fm.renderTemplate(a.stdout, rows)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 8, 3, ' ', 0)
	if o.digests {
		fmt.Fprintln(tw, "REPOSITORY\tTAG\tDIGEST\tIMAGE ID\tCREATED\tSIZE")
	} else {
		fmt.Fprintln(tw, "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE")
	}
	for _, r := range rows {
		row := r.(imageRow)
		if o.digests {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", row.Repository, row.Tag, row.Digest, row.ID, row.CreatedSince, row.Size)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", row.Repository, row.Tag, row.ID, row.CreatedSince, row.Size)
		}
	}
	return tw.Flush()
}

func filterImages(imgs []storage.ImageSummary, filters, args []string) ([]storage.ImageSummary, error) {
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
