package resourcelist

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/runtime"
)

var vols = []*runtime.Volume{
	{Name: "data", Path: "/s/volumes/data/_data", Driver: "local", Labels: map[string]string{"app": "web"}, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
	{Name: "cache", Path: "/s/volumes/cache/_data", Driver: "local"},
	{Name: "logs", Path: "/s/volumes/logs/_data", Driver: "local", Labels: map[string]string{"app": "db", "keep": ""}},
}

func TestWriteVolumes(t *testing.T) {
	users := map[string]int{"data": 2}
	for _, tc := range []struct {
		format  string
		o       Options
		want    string
		wantErr string
	}{
		{"", Options{}, "DRIVER      VOLUME NAME\nlocal       data\nlocal       cache\nlocal       logs\n", ""},
		{"", Options{NoHeading: true, Filters: []string{"dangling=true"}}, "local       cache\nlocal       logs\n", ""},
		{"", Options{Quiet: true, Filters: []string{"dangling=false"}}, "data\n", ""},
		{"{{.Name}}", Options{Filters: []string{"label=app"}}, "data\nlogs\n", ""},
		{"{{.Name}}", Options{Filters: []string{"label=app", "label=keep"}}, "logs\n", ""},
		{"{{.Name}}", Options{Filters: []string{"label=app=web"}}, "data\n", ""},
		{"{{.Name}}", Options{Filters: []string{"name=^c", "name=gs$"}}, "cache\nlogs\n", ""},
		{"{{.Name}}", Options{Filters: []string{"name=a", "driver=local", "dangling=true"}}, "cache\n", ""},
		{"{{.Name}}", Options{Filters: []string{"driver=nfs"}}, "", ""},
		{"table {{.Name}} {{.MountCount}} {{.Labels}} {{.Scope}}", Options{Filters: []string{"name=data"}},
			"VOLUME NAME  MOUNT COUNT  LABELS        SCOPE\ndata         2            map[app:web]  local\n", ""},
		{"", Options{Filters: []string{"color=red"}}, "", `unknown filter "color": the filters are dangling, driver, label, name`},
		{"", Options{Filters: []string{"dangling=maybe"}}, "", "dangling takes true or false"},
		{"", Options{Filters: []string{"name=("}}, "", "not a regular expression"},
	} {
		fm, err := format.New(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		err = WriteVolumes(&b, fm, vols, users, tc.o)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q %+v: %v, want %q", tc.format, tc.o, err, tc.wantErr)
			}
			continue
		}
		if err != nil || b.String() != tc.want {
			t.Errorf("%q %+v:\n%s%v; want\n%s", tc.format, tc.o, b.String(), err, tc.want)
		}
	}
	fm, _ := format.New("json")
	var b strings.Builder
	if err := WriteVolumes(&b, fm, vols, users, Options{Filters: []string{"name=data"}}); err != nil {
		t.Fatal(err)
	}
	var js []map[string]any
	if err := json.Unmarshal([]byte(b.String()), &js); err != nil || len(js) != 1 {
		t.Fatalf("%v %s", err, b.String())
	}
	for _, k := range []string{"Name", "Driver", "Mountpoint", "CreatedAt", "Labels", "Scope", "Options", "MountCount", "NeedsCopyUp", "NeedsChown"} {
		if _, ok := js[0][k]; !ok {
			t.Errorf("json lacks podman's key %s: %s", k, b.String())
		}
	}
	if js[0]["CreatedAt"] != "2026-01-02T03:04:05Z" || js[0]["MountCount"] != float64(2) {
		t.Errorf("json: %v", js[0])
	}
	b.Reset()
	if err := WriteVolumes(&b, fm, vols, users, Options{Filters: []string{"name=none"}}); err != nil || b.String() != "[]\n" {
		t.Errorf("json of none: %q %v", b.String(), err)
	}
}
