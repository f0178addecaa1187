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
		{ExecRequest{DetachKeys: "ctrl-p,ctrl-q", DetachKeysGiven: true}, []string{"c", "ls"}, "c", []string{"ls"}, ""},
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

func TestExecRequestKeys(t *testing.T) {
	it := ExecOptions{TTY: true, Interactive: true}
	for _, tc := range []struct {
		r       ExecRequest
		o       ExecOptions
		want    string
		wantErr string
	}{
		{ExecRequest{DetachKeys: "ctrl-p,ctrl-q"}, it, "\x10\x11", ""},
		{ExecRequest{DetachKeys: "ctrl-a,x", DetachKeysGiven: true}, it, "\x01x", ""},
		{ExecRequest{DetachKeys: "", DetachKeysGiven: true}, it, "", ""},
		// The default's keys, unused without a terminal that takes
		// input, are no reason to refuse; keys given are.
		{ExecRequest{DetachKeys: "ctrl-p,ctrl-q"}, ExecOptions{Interactive: true}, "\x10\x11", ""},
		{ExecRequest{DetachKeys: "ctrl-a", DetachKeysGiven: true}, ExecOptions{Interactive: true}, "", "tty"},
		{ExecRequest{DetachKeys: "ctrl-a", DetachKeysGiven: true}, ExecOptions{TTY: true}, "", "interactive"},
		{ExecRequest{DetachKeys: "ctrl-a", DetachKeysGiven: true}, ExecOptions{Detach: true}, "\x01", ""},
		{ExecRequest{DetachKeys: "", DetachKeysGiven: true}, ExecOptions{}, "", ""},
		{ExecRequest{DetachKeys: "ctrl-1", DetachKeysGiven: true}, it, "", "invalid detach keys"},
		{ExecRequest{DetachKeys: "ctrl-p,,q", DetachKeysGiven: true}, ExecOptions{Detach: true}, "", "invalid detach keys"},
	} {
		got, err := tc.r.Keys(tc.o)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%+v %+v: error %v, want %q", tc.r, tc.o, err, tc.wantErr)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%+v %+v: %q %v, want %q", tc.r, tc.o, got, err, tc.want)
		}
	}
}
