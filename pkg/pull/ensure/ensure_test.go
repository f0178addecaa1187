package ensure

import (
	"context"
	"strings"
	"testing"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/storage/storagetest"
)

func openStore(t *testing.T) *storage.Store { return storagetest.VFS(t) }

func TestImagePolicy(t *testing.T) {
	store := openStore(t)
	var pulled []string
	pull := func(_ context.Context, image string) (string, error) {
		pulled = append(pulled, image)
		return strings.Repeat("c", 64), nil
	}
	for _, tc := range []struct {
		image, policy, platform string
		pulls                   bool
		err                     string
		opt                     string
	}{
		{"busybox", "missing", "", true, "", ""},
		{"busybox", "always", "", true, "", ""},
		{"busybox", "newer", "", true, "", ""},
		{"oci:/x:latest", "never", "", true, "", ""}, // a transport is always read
		{"busybox", "never", "", false, `image "busybox" is not in the store and pull=never was given: pull it first`, "pull"},
		{"busybox", "sometimes", "", false, `invalid pull "sometimes": use missing, always, never or newer`, "pull"},
		{"busybox", "missing", "linux", false, "", ""},
	} {
		pulled = nil
		id, err := Image(context.Background(), store, tc.image, Options{Policy: tc.policy, Platform: tc.platform, Pull: pull})
		switch {
		case tc.err != "":
			if e, ok := setting.As(err); !ok || err.Error() != tc.err || e.Names()[0] != tc.opt {
				t.Errorf("%+v: %v, want %q", tc, err, tc.err)
			}
		case tc.platform != "":
			if err == nil {
				t.Errorf("%+v: platform %q accepted", tc, tc.platform)
			}
		case err != nil || id != strings.Repeat("c", 64):
			t.Errorf("%+v: %q %v", tc, id, err)
		}
		if (len(pulled) > 0) != tc.pulls {
			t.Errorf("%+v: pulled %q", tc, pulled)
		}
	}
}
