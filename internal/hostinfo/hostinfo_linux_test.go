package hostinfo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

// What is missing shows up as a fix, in the JSON fields and the text.
func TestGatherReportsFixes(t *testing.T) {
	t.Setenv("USER", "alice")
	info := Gather(context.Background(), Options{
		Version:    "1.2.3",
		State:      userns.State{Rootless: true, UID: 1000, GID: 1000, Mapping: userns.MappingSingle},
		RuntimeDir: t.TempDir(),
		Store:      storage.Options{GraphRoot: "/g", RunRoot: "/r"},
		OpenStore:  func() (*storage.Store, error) { return nil, errors.New("store is broken") },
		Cgroups: func() (cgroups.Info, error) {
			return cgroups.Info{Mode: cgroups.ModeV2, Own: "/user.slice/x"}, nil
		},
		Transfers: Tool{Name: "helper", Problem: "helper missing: install it"},
	})
	if info.Version.Version != "1.2.3" || info.Store.GraphRoot != "/g" || info.Store.Error != "store is broken" || info.UserNS.Mapping != userns.MappingSingle.String() {
		t.Errorf("%+v", info)
	}
	for _, want := range []string{
		"single-id mapping", "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice",
		"store: store is broken", "is not delegated to you", "helper missing: install it",
	} {
		if !strings.Contains(strings.Join(info.Fixes, "\n"), want) {
			t.Errorf("no fix saying %q in %q", want, info.Fixes)
		}
	}
	var b strings.Builder
	info.WriteText(&b)
	for _, want := range []string{"husk 1.2.3\n", "  driver: unavailable\n", "  graph root: /g\n", "image transfers:\n  helper: helper missing: install it\n", "to fix:\n  - "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

func TestLingeringAsRoot(t *testing.T) {
	if got := lingering(false); got != "not needed (root)" {
		t.Errorf("%q", got)
	}
}
