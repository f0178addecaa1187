package sysdf

import (
	"bytes"
	"testing"

	"github.com/husk-dev/husk/internal/format"
)

func TestSummaries(t *testing.T) {
	u := Usage{
		Images:     []Image{{ID: "a", RawSize: 2129154, Containers: 1}, {ID: "a", RawSize: 2129154, Containers: 1}, {ID: "b", RawSize: 3199754}},
		Containers: []Container{{RawSize: 102400, Status: "exited"}, {RawSize: 10, Status: "running"}},
		Volumes:    []Volume{{VolumeName: "v", Links: 0, RawSize: 3}},
	}
	f, err := format.New("")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := u.Write(&b, f); err != nil {
		t.Fatal(err)
	}
	want := `TYPE           TOTAL       ACTIVE      SIZE        RECLAIMABLE
Images         3           2           7.458MB     3.2MB (43%)
Containers     2           1           102.4kB     102.4kB (100%)
Local Volumes  1           0           3B          3B (100%)
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if got := (Summary{}).Reclaimable(); got != "0B (0%)" {
		t.Errorf("empty: %q", got)
	}
}

func TestSplitName(t *testing.T) {
	for in, want := range map[string][2]string{
		"localhost:5000/a/b:1": {"localhost:5000/a/b", "1"},
		"localhost:5000/a/b":   {"localhost:5000/a/b", "<none>"},
		"docker.io/x@sha256:0": {"docker.io/x", "<none>"},
	} {
		if r, tag := splitName(in); r != want[0] || tag != want[1] {
			t.Errorf("%q: %q %q", in, r, tag)
		}
	}
}
