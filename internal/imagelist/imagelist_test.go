package imagelist

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/opencontainers/go-digest"
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

var now = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

var imgs = []Image{
	{ImageSummary: storage.ImageSummary{ID: strings.Repeat("a", 64), Names: []string{"127.0.0.1:5055/husk-test/busybox:latest", "localhost/other:1"},
		Size: 2130000, Created: now.Add(-3 * time.Hour), Digest: "sha256:" + digest.Digest(strings.Repeat("d", 64))},
		Labels: map[string]string{"app": "web", "tier": "front"}, Containers: 2},
	{ImageSummary: storage.ImageSummary{ID: strings.Repeat("b", 64), Dangling: true, Size: 1000, Created: now.Add(-2 * time.Hour)}},
	{ImageSummary: storage.ImageSummary{ID: strings.Repeat("c", 64), Intermediate: true, Size: 3000, Created: now.Add(-4 * time.Hour)}, ReadOnly: true},
}

func TestFilter(t *testing.T) {
	for _, tc := range []struct {
		filters, args []string
		want          string // the images' first letters
		err           string
	}{
		{nil, nil, "abc", ""},
		{[]string{"dangling=true"}, nil, "b", ""},
		{[]string{"dangling=false"}, []string{"busybox"}, "a", ""},
		{[]string{"dangling=true", "dangling=false"}, nil, "abc", ""},
		{[]string{"intermediate=true"}, nil, "c", ""},
		{[]string{"readonly=true"}, nil, "c", ""},
		{[]string{"readonly=false"}, nil, "ab", ""},
		{nil, []string{"other:1"}, "a", ""},
		{nil, []string{"nothing"}, "", ""},
		{[]string{"reference=busybox"}, nil, "a", ""},
		{[]string{"reference=*/busybox"}, nil, "a", ""},
		{[]string{"reference=*box*"}, nil, "a", ""},
		{[]string{"reference=localhost/*"}, nil, "a", ""},
		{[]string{"reference=*/husk-test/*:latest"}, nil, "a", ""},
		{[]string{"reference=busybox:1"}, nil, "", ""},
		{[]string{"reference=nothing", "reference=other"}, nil, "a", ""},
		{[]string{"label=app"}, nil, "a", ""},
		{[]string{"label=app=web", "label=tier"}, nil, "a", ""},
		{[]string{"label=app", "label=nope"}, nil, "", ""},
		{[]string{"label=app=db"}, nil, "", ""},
		{[]string{"before=busybox"}, nil, "c", ""},
		{[]string{"since=busybox"}, nil, "b", ""},
		{[]string{"since=ccc"}, nil, "ab", ""},
		{[]string{"before=nosuch"}, nil, "", `no image "nosuch"`},
		{[]string{"dangling=maybe"}, nil, "", "dangling takes true or false"},
		{[]string{"color=red"}, nil, "", `unknown filter "color": the filters are before, dangling, intermediate, label, readonly, reference, since`},
		{[]string{"reference=["}, nil, "", "syntax error"},
		{[]string{"nokey"}, nil, "", "expected KEY=VALUE"},
	} {
		out, err := Filter(imgs, tc.filters, tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q %q: %v, want %q", tc.filters, tc.args, err, tc.err)
			}
			continue
		}
		got := ""
		for _, img := range out {
			got += img.ID[:1]
		}
		if err != nil || got != tc.want {
			t.Errorf("%q %q: %q, %v; want %q", tc.filters, tc.args, got, err, tc.want)
		}
	}
}

func TestWrite(t *testing.T) {
	shown := imgs[:2]
	for _, tc := range []struct {
		format string
		o      Options
		want   string
	}{
		{"", Options{}, "REPOSITORY                        TAG         IMAGE ID      CREATED      SIZE\n" +
			"<none>                            <none>      bbbbbbbbbbbb  2 hours ago  1 kB\n" +
			"127.0.0.1:5055/husk-test/busybox  latest      aaaaaaaaaaaa  3 hours ago  2.13 MB\n" +
			"localhost/other                   1           aaaaaaaaaaaa  3 hours ago  2.13 MB\n"},
		{"", Options{NoHeading: true, Sort: "repository"}, "127.0.0.1:5055/husk-test/busybox  latest      aaaaaaaaaaaa  3 hours ago  2.13 MB\n" +
			"<none>                            <none>      bbbbbbbbbbbb  2 hours ago  1 kB\n" +
			"localhost/other                   1           aaaaaaaaaaaa  3 hours ago  2.13 MB\n"},
		{"", Options{Quiet: true}, "aaaaaaaaaaaa\nbbbbbbbbbbbb\n"},
		{"table {{.Repository}}\\t{{.Tag}}", Options{Sort: "tag"}, "REPOSITORY                        TAG\nlocalhost/other                   1\n<none>                            <none>\n127.0.0.1:5055/husk-test/busybox  latest\n"},
		{"table {{.ID}} {{.CreatedSince}} {{.CreatedAt}} {{.SharedSize}} {{.Containers}} {{.Dangling}} {{.ReadOnly}} {{.Labels}}", Options{Sort: "size"},
			"IMAGE ID      CREATED      CREATED AT                     SHARED SIZE  CONTAINERS  DANGLING    R/O         LABELS\n" +
				"aaaaaaaaaaaa  3 hours ago  2026-01-02 12:04:05 +0000 UTC  0            2           false       false       map[app:web tier:front]\n" +
				"aaaaaaaaaaaa  3 hours ago  2026-01-02 12:04:05 +0000 UTC  0            2           false       false       map[app:web tier:front]\n" +
				"bbbbbbbbbbbb  2 hours ago  2026-01-02 13:04:05 +0000 UTC  0            0           true        false       map[]\n"},
		{"{{.Repository}}:{{.Tag}} {{.History}}", Options{Sort: "id"}, "127.0.0.1:5055/husk-test/busybox:latest 127.0.0.1:5055/husk-test/busybox:latest, localhost/other:1\n" +
			"localhost/other:1 127.0.0.1:5055/husk-test/busybox:latest, localhost/other:1\n<none>:<none> \n"},
	} {
		fm, err := format.New(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := write(&b, shown, fm, tc.o, now); err != nil || b.String() != tc.want {
			t.Errorf("%q %+v:\n%s\n%v; want\n%s", tc.format, tc.o, b.String(), err, tc.want)
		}
	}
	fm, _ := format.New("json")
	var b strings.Builder
	if err := Write(&b, nil, fm, Options{}); err != nil || b.String() != "[]\n" {
		t.Errorf("json of none: %q %v", b.String(), err)
	}
	b.Reset()
	if err := Write(&b, shown, fm, Options{}); err != nil {
		t.Fatal(err)
	}
	var js []map[string]any
	if err := json.Unmarshal([]byte(b.String()), &js); err != nil || len(js) != 2 {
		t.Fatalf("%v: %s", err, b.String())
	}
	keys := slices.Sorted(maps.Keys(js[0]))
	// podman 4.3.1's keys, and Dangling
	want := "Containers Created CreatedAt Dangling Digest History Id Labels Names ParentId RepoDigests RepoTags SharedSize Size VirtualSize"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("json keys:\n%s\nwant\n%s", got, want)
	}
	if js[0]["Created"] != float64(now.Add(-3*time.Hour).Unix()) || js[0]["CreatedAt"] != "2026-01-02T12:04:05Z" ||
		len(js[0]["RepoDigests"].([]any)) != 2 || js[0]["Containers"] != float64(2) {
		t.Errorf("json: %v", js[0])
	}
	if err := Write(&b, shown, fm, Options{Sort: "bogus"}); err == nil || !strings.Contains(err.Error(), "created, id, repository, size, tag") {
		t.Errorf("--sort bogus: %v", err)
	}
}

func TestRowNames(t *testing.T) {
	const d = "@sha256:c2251132d4a637ddb2307d849f6c062b6e6b7d69442c04cc423ccf59dbf00c40"
	for _, tc := range []struct{ in, want []string }{
		{[]string{"r/b" + d, "r/b:latest"}, []string{"r/b:latest"}},
		{[]string{"r/b" + d}, []string{"r/b" + d}},
		{[]string{"r/b" + d, "r/c:1"}, []string{"r/b" + d, "r/c:1"}},
		{nil, nil},
	} {
		if got := rowNames(tc.in); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("rowNames(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
