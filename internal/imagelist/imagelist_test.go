package imagelist

import (
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/storage"
)

func TestSplitName(t *testing.T) {
	tests := map[string][2]string{
		"127.0.0.1:5055/a/b:latest": {"127.0.0.1:5055/a/b", "latest"},
		"localhost:5000/x":          {"localhost:5000/x", "<none>"},
		"r/x@sha256:abc":            {"r/x", "<none>"},
	}
	for in, want := range tests {
		r, tag := splitName(in)
		if r != want[0] || tag != want[1] {
			t.Errorf("%s: %s %s", in, r, tag)
		}
	}
}

var imgs = []storage.ImageSummary{
	{ID: strings.Repeat("a", 64), Names: []string{"127.0.0.1:5055/husk-test/busybox:latest", "localhost/other:1"}, Size: 2130000, Created: time.Now().Add(-3 * time.Hour)},
	{ID: strings.Repeat("b", 64), Dangling: true, Size: 1000},
}

func TestFilter(t *testing.T) {
	for _, tc := range []struct {
		filters, args []string
		want          int
		err           string
	}{
		{nil, nil, 2, ""},
		{[]string{"dangling=true"}, nil, 1, ""},
		{[]string{"dangling=false"}, []string{"busybox"}, 1, ""},
		{nil, []string{"other:1"}, 1, ""},
		{nil, []string{"nothing"}, 0, ""},
		{[]string{"dangling=maybe"}, nil, 0, "dangling takes true or false"},
		{[]string{"label=x"}, nil, 0, `unknown filter "label"`},
		{[]string{"nokey"}, nil, 0, "expected KEY=VALUE"},
	} {
		out, err := Filter(imgs, tc.filters, tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q %q: %v, want %q", tc.filters, tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || len(out) != tc.want {
			t.Errorf("%q %q: %d images, %v; want %d", tc.filters, tc.args, len(out), err, tc.want)
		}
	}
}

func TestWrite(t *testing.T) {
	for _, tc := range []struct {
		format string
		o      Options
		want   string
	}{
		{"", Options{}, "REPOSITORY                         TAG      IMAGE ID       CREATED       SIZE\n" +
			"127.0.0.1:5055/husk-test/busybox   latest   aaaaaaaaaaaa   3 hours ago   2.13 MB\n" +
			"localhost/other                    1        aaaaaaaaaaaa   3 hours ago   2.13 MB\n" +
			"<none>                             <none>   bbbbbbbbbbbb   unknown       1 kB\n"},
		{"", Options{Quiet: true}, "aaaaaaaaaaaa\nbbbbbbbbbbbb\n"},
		{"table {{.Repository}}\\t{{.Tag}}", Options{}, "REPOSITORY\\TTAG\n127.0.0.1:5055/husk-test/busybox   latest\nlocalhost/other                    1\n<none>                             <none>\n"},
	} {
		fm, err := format.New(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := Write(&b, imgs, fm, tc.o); err != nil || b.String() != tc.want {
			t.Errorf("%q %+v:\n%s\n%v; want\n%s", tc.format, tc.o, b.String(), err, tc.want)
		}
	}
	fm, _ := format.New("json")
	var b strings.Builder
	if err := Write(&b, nil, fm, Options{}); err != nil || b.String() != "[]\n" {
		t.Errorf("json of none: %q %v", b.String(), err)
	}
}
