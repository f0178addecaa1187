package sysdf

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/volumeuse"
	"github.com/husk-dev/husk/pkg/storage"
)

// Image is a row of the images section: one per name of an image (one
// for an image without), as podman's.
type Image struct {
	Repository, Tag string
	ID              string
	CreatedAt       time.Time
	RawSize         int64 `json:"Size"`
	// RawSharedSize is what the image shares with its parent or
	// children (podman's relation: pkg/storage/parents.go).
	RawSharedSize int64 `json:"SharedSize"`
	Containers    int
}

// Container is a row of the containers section.
type Container struct {
	ID, Image, Command string
	LocalVolumes       int
	RawSize            int64 `json:"Size"`
	CreatedAt          time.Time
	Status, Names      string
}

// Volume is a row of the volumes section.
type Volume struct {
	VolumeName string
	Links      int
	RawSize    int64 `json:"Size"`
}

// Usage is what system df reports.
type Usage struct {
	Images     []Image
	Containers []Container
	Volumes    []Volume
	now        time.Time
}

// Collect measures the store's images, its containers (their state
// refreshed through env) and the volumes of vs.
func Collect(store *storage.Store, env runtime.Env, vs *runtime.VolumeStore) (Usage, error) {
	u := Usage{now: time.Now()}
	cs, err := runtime.List(store)
	if err != nil {
		return u, err
	}
	perImage := map[string]int{}
	for _, c := range cs {
		if err := runtime.Refresh(env, c); errors.Is(err, runtime.ErrContainerUnknown) {
			continue
		} else if err != nil {
			return u, err
		}
		perImage[c.Config.ImageID]++
		u.Containers = append(u.Containers, containerRow(store, c))
	}
	sort.SliceStable(u.Containers, func(i, j int) bool { return u.Containers[i].CreatedAt.After(u.Containers[j].CreatedAt) })
	if u.Images, err = imageRows(store, perImage); err != nil {
		return u, err
	}
	used, err := volumeuse.InUse(store)
	if err != nil {
		return u, err
	}
	vols, err := vs.List()
	if err != nil {
		return u, err
	}
	for _, v := range vols {
		u.Volumes = append(u.Volumes, Volume{VolumeName: v.Name, Links: len(used[v.Name]), RawSize: dirSize(v.Path)})
	}
	return u, nil
}

func containerRow(store *storage.Store, c *runtime.Container) Container {
	row := Container{
		ID: c.ID, Image: c.Config.ImageID, Command: strings.Join(c.Config.Command, " "),
		CreatedAt: c.State.CreatedAt, Status: string(c.State.Status), Names: c.Name,
	}
	for _, v := range c.Config.Volumes {
		if v.Kind == runtime.VolumeNamed {
			row.LocalVolumes++
		}
	}
	if sc, err := store.Container(c.ID); err == nil {
		if n, err := store.DiffSize("", sc.LayerID); err == nil {
			row.RawSize = n
		}
	}
	return row
}

// imageRows lists the images, a row per name, newest first. Shared size
// is podman's: an image with children shares all of itself; one with a
// parent shares the parent's size.
func imageRows(store *storage.Store, containers map[string]int) ([]Image, error) {
	imgs, err := store.Store.Images()
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	children, err := store.ImageChildren()
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	parent := map[string]string{}
	for p, cs := range children {
		for _, c := range cs {
			parent[c] = p
		}
	}
	size := map[string]int64{}
	for _, img := range imgs {
		if n, err := store.ImageSize(img.ID); err == nil {
			size[img.ID] = n
		}
	}
	sort.SliceStable(imgs, func(i, j int) bool { return imgs[i].Created.After(imgs[j].Created) })
	var rows []Image
	for _, img := range imgs {
		row := Image{ID: img.ID, CreatedAt: img.Created, Containers: containers[img.ID], RawSize: size[img.ID]}
		if len(children[img.ID]) > 0 {
			row.RawSharedSize = row.RawSize
		} else if p, ok := parent[img.ID]; ok {
			row.RawSharedSize = size[p]
		}
		if len(img.Names) == 0 {
			row.Repository, row.Tag = "<none>", "<none>"
			rows = append(rows, row)
		}
		for _, n := range img.Names {
			row.Repository, row.Tag = splitName(n)
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// splitName splits a stored name into repository and tag ("<none>" for a
// digest).
func splitName(n string) (string, string) {
	if repo, _, ok := strings.Cut(n, "@"); ok {
		return repo, "<none>"
	}
	if i := strings.LastIndex(n, ":"); i > strings.LastIndex(n, "/") {
		return n[:i], n[i+1:]
	}
	return n, "<none>"
}

// dirSize sums the sizes of the regular files under dir that can be
// read.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// Summary is a row of system df's table, as podman 4.3.1's: the sizes
// are numbers in JSON, words in the table and templates.
type Summary struct {
	Type           string
	Total, Active  int
	RawSize        int64 `json:"Size"`
	RawReclaimable int64 `json:"Reclaimable"`
}

// Size is the total size in podman's words.
func (s Summary) Size() string { return units.HumanSize(float64(s.RawSize)) }

// Reclaimable is the size removable and its share of the total.
func (s Summary) Reclaimable() string {
	pct := 0
	if s.RawSize > 0 {
		pct = int(math.Round(float64(s.RawReclaimable) / float64(s.RawSize) * 100))
	}
	return fmt.Sprintf("%s (%d%%)", units.HumanSize(float64(s.RawReclaimable)), pct)
}

// Summaries are the rows Images, Containers and Local Volumes.
func (u Usage) Summaries() []Summary {
	img := Summary{Type: "Images", Total: len(u.Images)}
	for _, i := range u.Images {
		img.count(i.RawSize, i.Containers > 0)
	}
	ctr := Summary{Type: "Containers", Total: len(u.Containers)}
	for _, c := range u.Containers {
		ctr.count(c.RawSize, c.Status == string(runtime.StatusRunning))
	}
	vol := Summary{Type: "Local Volumes", Total: len(u.Volumes)}
	for _, v := range u.Volumes {
		vol.count(v.RawSize, v.Links > 0)
	}
	return []Summary{img, ctr, vol}
}

// count adds one item of size bytes: active (in use), or reclaimable.
func (s *Summary) count(size int64, active bool) {
	s.RawSize += size
	if active {
		s.Active++
	} else {
		s.RawReclaimable += size
	}
}

// Write prints the summary: podman's table, JSON (a list of the rows
// podman 4.3.1's {{json .}} prints: its --format json printed the word
// "json", fixed later) or a template.
func (u Usage) Write(w io.Writer, f *format.Formatter) error {
	var rows []any
	for _, s := range u.Summaries() {
		rows = append(rows, s)
	}
	return f.WriteList(w, rows, u.Summaries(), format.List{
		Default: "table {{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
		Row:     Summary{},
	})
}

// verbose rows: the columns podman's system df -v shows.
type imageView struct {
	Repository, Tag, ImageID, Created, Size, SharedSize, UniqueSize string
	Containers                                                      int
}

type containerView struct {
	ContainerID, Image, Command  string
	LocalVolumes                 int
	Size, Created, Status, Names string
}

type volumeView struct {
	VolumeName string
	Links      int
	Size       string
}

// WriteVerbose prints podman's three sections.
func (u Usage) WriteVerbose(w io.Writer) error {
	human := func(n int64) string { return units.HumanSize(float64(n)) }
	ago := func(t time.Time) string { return units.HumanDuration(u.now.Sub(t)) }
	var imgs, ctrs, vols []any
	for _, i := range u.Images {
		imgs = append(imgs, imageView{i.Repository, i.Tag, short(i.ID), ago(i.CreatedAt), human(i.RawSize),
			human(i.RawSharedSize), human(i.RawSize - i.RawSharedSize), i.Containers})
	}
	for _, c := range u.Containers {
		ctrs = append(ctrs, containerView{short(c.ID), short(c.Image), c.Command, c.LocalVolumes, human(c.RawSize),
			ago(c.CreatedAt), c.Status, c.Names})
	}
	for _, v := range u.Volumes {
		vols = append(vols, volumeView{v.VolumeName, v.Links, human(v.RawSize)})
	}
	plain, err := format.New("")
	if err != nil {
		return err
	}
	for _, s := range []struct {
		title, table string
		rows         []any
		zero         any
		headers      map[string]string
	}{
		{"Images space usage:", "table {{.Repository}}\t{{.Tag}}\t{{.ImageID}}\t{{.Created}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}", imgs, imageView{}, nil},
		{"\nContainers space usage:", "table {{.ContainerID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.Created}}\t{{.Status}}\t{{.Names}}", ctrs, containerView{}, nil},
		{"\nLocal Volumes space usage:", "table {{.VolumeName}}\t{{.Links}}\t{{.Size}}", vols, volumeView{}, nil},
	} {
		fmt.Fprintf(w, "%s\n\n", s.title)
		if err := plain.WriteList(w, s.rows, nil, format.List{Default: s.table, Row: s.zero, Headers: s.headers}); err != nil {
			return err
		}
	}
	return nil
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
