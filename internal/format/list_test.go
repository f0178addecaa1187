package format

import (
	"strings"
	"testing"
	"time"
)

type listRow struct {
	ID, Names     string
	CreatedAt     time.Time
	ExitCode      int
	ImageID       string
	RunningFor    string
	Labels        map[string]string
	IPv6Enabled   bool
	IDFromCommand string
}

func (listRow) Status() string { return "Up" }

func TestHeaders(t *testing.T) {
	h := Headers(listRow{}, map[string]string{"ID": "CONTAINER ID"})
	for k, want := range map[string]string{"ID": "CONTAINER ID", "Names": "NAMES", "CreatedAt": "CREATED AT", "ExitCode": "EXIT CODE",
		"ImageID": "IMAGE ID", "RunningFor": "RUNNING FOR", "Status": "STATUS", "IPv6Enabled": "I PV6 ENABLED", "IDFromCommand": "ID FROM COMMAND"} {
		if h[k] != want {
			t.Errorf("%s: %q, want %q", k, h[k], want)
		}
	}
}

func TestTableColumns(t *testing.T) {
	for in, want := range map[string]string{
		"{{.ID}} {{.Names}}":           "{{.ID}}\t{{.Names}}",
		"{{.ID}} x {{upper .Names}}":   "{{.ID}}\tx\t{{upper .Names}}",
		`{{join .Names ", "}} {{.ID}}`: "{{join .Names \", \"}}\t{{.ID}}",
		"{{.ID}}\t{{.Names}} and more": "{{.ID}}\t{{.Names}} and more",
		"{{.ID}} {{":                   "{{.ID}}\t{{",
	} {
		if got := tableColumns(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestWriteList(t *testing.T) {
	rows := []any{listRow{ID: "0123", Names: "web", ExitCode: 3, Labels: map[string]string{"a": "b"}}, listRow{ID: "4567", Names: "database"}}
	l := List{Default: "table {{.ID}}\t{{.Names}}", Headers: map[string]string{"ID": "CONTAINER ID"}, Row: listRow{}}
	for _, tc := range []struct {
		format    string
		noHeading bool
		rows      []any
		want      string
	}{
		{"", false, rows, "CONTAINER ID  NAMES\n0123          web\n4567          database\n"},
		{"table", false, rows, "CONTAINER ID  NAMES\n0123          web\n4567          database\n"},
		{"", true, rows, "0123        web\n4567        database\n"},
		{"", false, nil, "CONTAINER ID  NAMES\n"},
		{"table {{.Names}} {{.ExitCode}} {{.Status}}", false, rows, "NAMES       EXIT CODE   STATUS\nweb         3           Up\ndatabase    0           Up\n"},
		{"table {{upper .Names}}:{{.ID}}", false, rows[:1], "NAMES:CONTAINER ID\nWEB:0123\n"},
		{"{{.Names}}\t{{.ID}}", false, rows, "web\t0123\ndatabase\t4567\n"},
		{"{{.Names}} {{.Labels}}", false, rows[:1], "web map[a:b]\n"},
		{"json", false, nil, "[]\n"},
	} {
		fm, err := New(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		l.NoHeading = tc.noHeading
		var b strings.Builder
		var js any
		if tc.rows == nil {
			js = []int{}
		}
		if err := fm.WriteList(&b, tc.rows, js, l); err != nil || b.String() != tc.want {
			t.Errorf("%q (noheading %v):\n%q %v, want\n%q", tc.format, tc.noHeading, b.String(), err, tc.want)
		}
	}
	fm, _ := New("table {{.Labels.a}}")
	var b strings.Builder
	if err := fm.WriteList(&b, rows, nil, l); err == nil {
		t.Errorf("a header that cannot be rendered: %q", b.String())
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "Less than a second", time.Second: "1 second", 59 * time.Second: "59 seconds", 61 * time.Second: "About a minute",
		45 * time.Minute: "45 minutes", 61 * time.Minute: "About an hour", 47 * time.Hour: "47 hours", 50 * time.Hour: "2 days",
		15 * 24 * time.Hour: "2 weeks", 61 * 24 * time.Hour: "2 months", 3 * 365 * 24 * time.Hour: "3 years",
	} {
		if got := HumanDuration(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if got := Ago(now.Add(-3*time.Minute), now); got != "3 minutes ago" {
		t.Errorf("Ago: %q", got)
	}
	if got := Ago(time.Time{}, now); got != "" {
		t.Errorf("Ago of the zero time: %q", got)
	}
}
