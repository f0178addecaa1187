package netns

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestRemoveUnusedAndPrune(t *testing.T) {
	s, err := OpenNetworks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"busy", "free", "other"} {
		if _, err := s.Create(n, NetworkOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var removed []string
	u := InUse{
		Users: func(_ context.Context, n string) ([]string, error) {
			if n == "busy" && len(removed) == 0 {
				return []string{"web"}, nil
			}
			return nil, nil
		},
		Remove: func(_ context.Context, names []string) error { removed = append(removed, names...); return nil },
	}
	ctx := context.Background()
	if _, err := s.RemoveUnused(ctx, "busy", u, false); err == nil || !strings.Contains(err.Error(), `network "busy" is used by container(s) web: remove them first, or use force`) {
		t.Errorf("busy: %v", err)
	}
	if name, err := s.RemoveUnused(ctx, "free", u, false); err != nil || name != "free" {
		t.Errorf("free: %q %v", name, err)
	}
	if got, err := s.Prune(ctx, InUse{Users: u.Users}); err != nil || !slices.Equal(got, []string{"other"}) {
		t.Errorf("prune: %q %v", got, err)
	}
	if name, err := s.RemoveUnused(ctx, "busy", u, true); err != nil || name != "busy" || !slices.Equal(removed, []string{"web"}) {
		t.Errorf("busy, forced: %q %v, removed %q", name, err, removed)
	}
}
