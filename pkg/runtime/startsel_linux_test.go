package runtime

import (
	"strings"
	"testing"
)

func TestStartRequestCheck(t *testing.T) {
	match := func(*Container) bool { return true }
	yes, no := true, false
	for _, tc := range []struct {
		r    StartRequest
		want string // "" for no error
	}{
		{StartRequest{Selection: Selection{Refs: []string{"a", "b"}}}, ""},
		{StartRequest{Selection: Selection{All: true}}, ""},
		{StartRequest{Selection: Selection{Latest: true}}, ""},
		{StartRequest{Selection: Selection{Filter: match, NarrowFilter: true}}, ""},
		{StartRequest{Selection: Selection{Filter: match, NarrowFilter: true, Refs: []string{"a"}}}, ""},
		{StartRequest{Selection: Selection{Filter: match, All: true}}, ""},
		{StartRequest{Selection: Selection{Refs: []string{"a"}}, Attach: true, SigProxy: &yes}, ""},
		{StartRequest{}, "requires at least one argument"},
		{StartRequest{Selection: Selection{All: true, Latest: true}}, "all and latest"},
		{StartRequest{Selection: Selection{Latest: true, Refs: []string{"a"}}}, "latest and containers"},
		{StartRequest{Selection: Selection{Refs: []string{"a", "b"}}, Attach: true}, "attach multiple"},
		{StartRequest{Selection: Selection{All: true, Refs: []string{"a"}}}, "either start all"},
		{StartRequest{Selection: Selection{All: true}, Attach: true}, "attach all"},
		{StartRequest{Selection: Selection{Refs: []string{"a"}}, SigProxy: &yes}, "sig-proxy without attach"},
		{StartRequest{Selection: Selection{Refs: []string{"a"}}, Attach: true, SigProxy: &no}, "sig-proxy=false"},
	} {
		err := tc.r.Check()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: got %v, want %q", tc.r, err, tc.want)
		}
	}
}
