package runtime

import (
	"strings"
	"testing"
)

func TestSelectionCheck(t *testing.T) {
	match := func(*Container) bool { return true }
	for _, tc := range []struct {
		s    Selection
		want string // "" for no error
	}{
		{Selection{Refs: []string{"a"}}, ""},
		{Selection{All: true}, ""},
		{Selection{Latest: true}, ""},
		{Selection{CIDFiles: []string{"f"}}, ""},
		{Selection{Filter: match}, ""},
		{Selection{Filter: match, All: true}, ""},
		{Selection{}, "at least one name"},
		{Selection{All: true, Latest: true}, "all and latest cannot be used together"},
		{Selection{All: true, Refs: []string{"a"}}, "no arguments are needed with all"},
		{Selection{Latest: true, Refs: []string{"a"}}, "latest and containers"},
		{Selection{CIDFiles: []string{"f"}, Refs: []string{"a"}}, "no arguments are needed with latest or cidfile"},
		{Selection{Filter: match, Refs: []string{"a"}}, "filter takes no arguments"},
	} {
		err := tc.s.Check()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: got %v, want %q", tc.s, err, tc.want)
		}
	}
}
