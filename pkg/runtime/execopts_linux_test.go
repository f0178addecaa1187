package runtime

import (
	"slices"
	"strings"
	"testing"
)

func TestExecRequestSplit(t *testing.T) {
	for _, tc := range []struct {
		r       ExecRequest
		args    []string
		ctr     string
		cmd     []string
		wantErr string
	}{
		{ExecRequest{}, []string{"c", "ls", "-l"}, "c", []string{"ls", "-l"}, ""},
		{ExecRequest{Latest: true}, []string{"ls", "-l"}, "", []string{"ls", "-l"}, ""},
		{ExecRequest{}, nil, "", nil, "container or latest"},
		{ExecRequest{}, []string{"c"}, "", nil, "needs a command"},
		{ExecRequest{Latest: true}, nil, "", nil, "needs a command"},
		{ExecRequest{DetachKeys: "ctrl-p,ctrl-q"}, []string{"c", "ls"}, "", nil, "cannot detach"},
	} {
		ctr, cmd, err := tc.r.Split(tc.args)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%+v %q: error %v, want %q", tc.r, tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || ctr != tc.ctr || !slices.Equal(cmd, tc.cmd) {
			t.Errorf("%+v %q: %q %q %v", tc.r, tc.args, ctr, cmd, err)
		}
	}
	if s := (ExecRequest{Latest: true}).Selection(""); !s.Latest || len(s.Refs) != 0 {
		t.Errorf("latest selection: %+v", s)
	}
	if s := (ExecRequest{}).Selection("c"); s.Latest || !slices.Equal(s.Refs, []string{"c"}) {
		t.Errorf("named selection: %+v", s)
	}
}
