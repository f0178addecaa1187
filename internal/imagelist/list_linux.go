package imagelist

import (
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// ListOptions say which images List returns.
type ListOptions struct {
	// All keeps the intermediate images of builds.
	All bool
	// Filters are KEY=VALUE filters (Filter); Refs are references, of
	// which an image must match one.
	Filters, Refs []string
}

// List returns the store's images that o selects, with their labels and
// how many containers use them.
func List(store *storage.Store, o ListOptions) ([]Image, error) {
	sums, err := store.Images()
	if err != nil {
		return nil, err
	}
	uses := map[string]int{}
	if cs, err := runtime.List(store); err == nil {
		for _, c := range cs {
			uses[c.Config.ImageID]++
		}
	}
	imgs := make([]Image, 0, len(sums))
	for _, s := range sums {
		img := Image{ImageSummary: s, Containers: uses[s.ID]}
		if cfg, err := store.ImageConfig(s.ID); err == nil {
			img.Labels = cfg.Config.Labels
		}
		imgs = append(imgs, img)
	}
	if !o.All {
		imgs = HideIntermediate(imgs)
	}
	return Filter(imgs, o.Filters, o.Refs)
}
