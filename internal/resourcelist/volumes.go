package resourcelist

import (
	"fmt"
	"io"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/runtime"
)

// VolumeKeys are the filters of volume ls.
var VolumeKeys = []string{"dangling", "driver", "label", "name"}

// VolumeRow is one line of husk volume ls; its fields are what --format
// templates see (podman's names).
type VolumeRow struct {
	Name, Driver, Mountpoint, Scope string
	CreatedAt                       time.Time
	Labels, Options                 map[string]string
	Anonymous                       bool
	// MountCount is how many containers use the volume.
	MountCount int
}

// VolumeJSON is one entry of husk volume ls --format json: podman's keys.
type VolumeJSON struct {
	Name        string
	Driver      string
	Mountpoint  string
	CreatedAt   string
	Labels      map[string]string
	Scope       string
	Options     map[string]string
	MountCount  int
	NeedsCopyUp bool
	NeedsChown  bool
}

// Options say which items a list command shows and how.
type Options struct {
	Filters          []string
	Quiet, NoHeading bool
}

// WriteVolumes prints the volumes that o's filters select: their names
// with Quiet, else as fm says. users counts the containers that use each
// volume.
func WriteVolumes(w io.Writer, fm *format.Formatter, vols []*runtime.Volume, users map[string]int, o Options) error {
	f, err := parseFilters(o.Filters, VolumeKeys)
	if err != nil {
		return err
	}
	var rows []any
	js := []VolumeJSON{}
	for _, v := range vols {
		ok := f.match(v.Labels, users[v.Name] == 0, func(k, val string) bool {
			if k == "name" {
				return matchName(val, v.Name)
			}
			return v.Driver == val // driver
		})
		if !ok {
			continue
		}
		if o.Quiet {
			fmt.Fprintln(w, v.Name)
			continue
		}
		rows = append(rows, VolumeRow{Name: v.Name, Driver: v.Driver, Mountpoint: v.Path, Scope: "local", CreatedAt: v.CreatedAt,
			Labels: nonNil(v.Labels), Options: nonNil(v.Options), Anonymous: v.Anonymous, MountCount: users[v.Name]})
		js = append(js, VolumeJSON{Name: v.Name, Driver: v.Driver, Mountpoint: v.Path, CreatedAt: v.CreatedAt.UTC().Format(time.RFC3339Nano),
			Labels: nonNil(v.Labels), Scope: "local", Options: nonNil(v.Options), MountCount: users[v.Name]})
	}
	if o.Quiet {
		return nil
	}
	return fm.WriteList(w, rows, js, format.List{Default: "table {{.Driver}}\t{{.Name}}", Headers: map[string]string{"Name": "VOLUME NAME"},
		Row: VolumeRow{}, NoHeading: o.NoHeading})
}
