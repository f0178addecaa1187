package sysprune

import (
	"bytes"
	"strings"
	"testing"
)

func TestReportWrite(t *testing.T) {
	var b bytes.Buffer
	Report{}.Write(&b)
	if b.String() != "Total reclaimed space: 0B\n" {
		t.Errorf("empty report: %q", b.String())
	}
	b.Reset()
	Report{Containers: []string{"c1"}, Networks: []string{"n1"}, Volumes: []string{"v1", "v2"}, Images: []string{"i1"}, Reclaimed: 5329000}.Write(&b)
	want := "Deleted Containers\nc1\nDeleted Volumes\nv1\nv2\nDeleted Images\ni1\nDeleted Networks\nn1\nTotal reclaimed space: 5.329MB\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWarning(t *testing.T) {
	w := Warning(false, false)
	if !strings.Contains(w, "\t- all dangling images\n") || strings.Contains(w, "volumes") || !strings.HasSuffix(w, "\t- all dangling build cache\n\n") {
		t.Errorf("%q", w)
	}
	w = Warning(true, true)
	if !strings.Contains(w, "container\n\t- all volumes not used by at least one container\n\t- all images without") {
		t.Errorf("%q", w)
	}
}
