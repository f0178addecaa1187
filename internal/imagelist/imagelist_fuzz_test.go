package imagelist

import (
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/storage"
)

// FuzzFilters feeds --filter values (and references) of husk images.
func FuzzFilters(f *testing.F) {
	for _, s := range []string{"name=web", "id=0123", "status=running", "ancestor=busybox", "dangling=true", "reference=busy", "reference=*/busy*", "label=a=b", "before=busybox", "since=aaa", "nokey", "=", "x=y"} {
		f.Add(s)
	}
	imgs := []Image{{ImageSummary: storage.ImageSummary{ID: strings.Repeat("a", 64), Names: []string{"127.0.0.1:5055/husk-test/busybox:latest"}}},
		{ImageSummary: storage.ImageSummary{ID: strings.Repeat("b", 64), Dangling: true}}}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Filter(imgs, []string{s}, []string{s})
		if err == nil && len(out) > len(imgs) {
			t.Fatalf("%q: %d images out of %d", s, len(out), len(imgs))
		}
	})
}
