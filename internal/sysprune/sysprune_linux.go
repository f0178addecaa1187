package sysprune

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	units "github.com/docker/go-units"

	"github.com/husk-dev/husk/internal/ctrlist"
	"github.com/husk-dev/husk/internal/prunefilter"
	"github.com/husk-dev/husk/pkg/build/leftover"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/pod"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/volumeuse"
	"github.com/husk-dev/husk/pkg/storage"
)

// Options say what system prune removes and where.
type Options struct {
	Store *storage.Store
	Env   runtime.Env
	// Volumes is where named volumes are; nil leaves volumes alone
	// (podman's --volumes not given).
	Volumes *runtime.VolumeStore
	// Networks and InUse prune networks; nil Networks leaves them.
	Networks *netns.Networks
	InUse    netns.InUse
	// AllImages removes every image no container uses, not only
	// dangling ones.
	AllImages bool
	// Filter applies to every kind (podman 4.3.1 applies it to
	// networks too, though its manual says containers and images).
	Filter prunefilter.Filter
}

// Report is what system prune removed.
type Report struct {
	Pods, Containers, Volumes, Networks, Images []string
	// Reclaimed is the size of the containers' writable layers, the
	// volumes and the images removed (as podman counts it).
	Reclaimed int64
}

// Run removes, in podman 4.3.1's order: pods, containers, volumes, images,
// networks, then the leftovers of killed builds. What was removed is reported
// before an error too.
func Run(ctx context.Context, o Options) (Report, error) {
	var r Report
	sizes := map[string]int64{}
	var err error
	// The pods none of whose containers runs go first, with their
	// containers (podman 4.3.1 prunes them whatever the filters).
	if r.Pods, err = pod.Prune(ctx, o.Env); err != nil {
		return r, err
	}
	r.Containers, err = ctrlist.RemoveStoppedMatching(ctx, o.Store, o.Env, func(c *runtime.Container) bool {
		if !ContainerMatch(o.Filter)(c) {
			return false
		}
		sizes[c.ID] = containerRwSize(o.Store, c.ID)
		return true
	})
	r.Reclaimed += sum(sizes, r.Containers)
	if err != nil {
		return r, err
	}
	if o.Volumes != nil {
		vsizes := map[string]int64{}
		r.Volumes, err = volumeuse.PruneMatching(o.Store, o.Volumes, func(v *runtime.Volume) bool {
			if !VolumeMatch(o.Filter)(v) {
				return false
			}
			vsizes[v.Name] = dirSize(v.Path)
			return true
		})
		r.Reclaimed += sum(vsizes, r.Volumes)
		if err != nil {
			return r, err
		}
	}
	isizes := map[string]int64{}
	match := ImageMatch(o.Store, o.Filter)
	r.Images, err = o.Store.PruneImagesMatching(o.AllImages, func(id string, created time.Time) bool {
		if !match(id, created) {
			return false
		}
		if n, err := o.Store.ImageSize(id); err == nil {
			isizes[id] = n
		}
		return true
	})
	r.Reclaimed += sum(isizes, r.Images)
	if err != nil {
		return r, err
	}
	if o.Networks != nil {
		if r.Networks, err = o.Networks.PruneMatching(ctx, o.InUse, NetworkMatch(o.Filter)); err != nil {
			return r, err
		}
	}
	leftover.Clean(ctx, o.Store)
	return r, nil
}

func sum(sizes map[string]int64, ids []string) int64 {
	var n int64
	for _, id := range ids {
		n += sizes[id]
	}
	return n
}

// Write prints r as podman does: a section per kind that removed
// anything, then the total.
func (r Report) Write(w io.Writer) {
	for _, s := range []struct {
		title string
		items []string
	}{
		{"Deleted Pods", r.Pods},
		{"Deleted Containers", r.Containers},
		{"Deleted Volumes", r.Volumes},
		{"Deleted Images", r.Images},
		{"Deleted Networks", r.Networks},
	} {
		if len(s.items) == 0 {
			continue
		}
		fmt.Fprintln(w, s.title)
		for _, it := range s.items {
			fmt.Fprintln(w, it)
		}
	}
	fmt.Fprintf(w, "Total reclaimed space: %s\n", units.HumanSize(float64(r.Reclaimed)))
}

// Warning is what podman says before it asks whether system prune may
// remove anything (the question follows).
func Warning(allImages, volumes bool) string {
	vol := ""
	if volumes {
		vol = "\n\t- all volumes not used by at least one container"
	}
	images := "\t- all dangling images\n\t- all dangling build cache"
	if allImages {
		images = "\t- all images without at least one container associated with them\n\t- all build cache"
	}
	return "WARNING! This command removes:\n\t- all stopped containers\n\t- all networks not used by at least one container" +
		vol + "\n" + images + "\n\n"
}

// ContainerMatch applies f to containers: their creation time and
// labels.
func ContainerMatch(f prunefilter.Filter) func(*runtime.Container) bool {
	return func(c *runtime.Container) bool { return f.Match(c.State.CreatedAt, c.Config.Labels) }
}

// ImageMatch applies f to the images of store: their creation time and
// their config's labels.
func ImageMatch(store *storage.Store, f prunefilter.Filter) func(id string, created time.Time) bool {
	return func(id string, created time.Time) bool {
		if f.Empty() {
			return true
		}
		var labels map[string]string
		if cfg, err := store.ImageConfig(id); err == nil {
			labels = cfg.Config.Labels
		}
		return f.Match(created, labels)
	}
}

// VolumeMatch applies f to volumes.
func VolumeMatch(f prunefilter.Filter) func(*runtime.Volume) bool {
	return func(v *runtime.Volume) bool { return f.Match(v.CreatedAt, v.Labels) }
}

// NetworkMatch applies f to networks.
func NetworkMatch(f prunefilter.Filter) func(netns.Network) bool {
	return func(n netns.Network) bool { return f.Match(n.Created, n.Labels) }
}

// containerRwSize is the size of a container's writable layer (0 when
// the store cannot say).
func containerRwSize(store *storage.Store, id string) int64 {
	sc, err := store.Container(id)
	if err != nil {
		return 0
	}
	n, err := store.DiffSize("", sc.LayerID)
	if err != nil {
		return 0
	}
	return n
}

// dirSize sums the sizes of the regular files under dir, as far as they
// can be read (files of other ids in a rootless volume may not be).
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return nil
			}
			return err
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
