package ctrlist

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// now is the tests' fixed clock.
var now = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

func container(status runtime.Status, paused bool) *runtime.Container {
	ep := []string{"/bin/sh", "-c"}
	return &runtime.Container{ID: strings.Repeat("0123456789abcdef", 4), Name: "web",
		Config: runtime.Config{Image: "127.0.0.1:5055/husk-test/busybox", ImageID: strings.Repeat("f", 64), Entrypoint: &ep, Command: []string{"sleep 1000"},
			Labels: map[string]string{"app": "web", "tier": "front"},
			Volumes: []runtime.VolumeSpec{{Kind: runtime.VolumeNamed, Source: "data", Destination: "/data"},
				{Kind: runtime.VolumeBind, Source: "/srv", Destination: "/srv"}},
			Net: netns.Config{Mode: "mynet", Ports: []netns.PortMapping{{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
				{HostIP: "127.0.0.1", HostPort: 9000, ContainerPort: 9000, Range: 2, Protocol: "udp"}}}},
		State: runtime.State{Status: status, Paused: paused, ExitCode: 3, Pid: 42, CreatedAt: now.Add(-5 * time.Minute),
			StartedAt: now.Add(-3 * time.Hour), FinishedAt: now.Add(-2 * time.Hour)}}
}

func TestMakeRow(t *testing.T) {
	r := MakeRow(container(runtime.StatusRunning, true), false, now)
	if r.ID != "0123456789ab" || r.ImageID != "ffffffffffff" || r.Command != "/bin/sh -c sleep ..." || r.Status != "Up 3 hours (Paused)" ||
		r.State != "paused" || r.Created != "5 minutes ago" || r.CreatedHuman != "5 minutes ago" || r.RunningFor != "5 minutes ago" ||
		r.Ports != "0.0.0.0:8080->80/tcp, 127.0.0.1:9000-9001->9000-9001/udp" || r.Pid != 42 ||
		!slices.Equal(r.Mounts, []string{"/data", "/srv"}) || r.Networks != "mynet" || r.Labels["app"] != "web" {
		t.Errorf("%+v", r)
	}
	r = MakeRow(container(runtime.StatusExited, false), true, now)
	if len(r.ID) != 64 || r.Command != "/bin/sh -c sleep 1000" || r.Status != "Exited (3) 2 hours ago" || r.State != "exited" || r.Pid != 0 || !r.Exited {
		t.Errorf("%+v", r)
	}
}

func TestStatusWords(t *testing.T) {
	for _, tc := range []struct {
		status  runtime.Status
		paused  bool
		started time.Duration // before now
		want    string
	}{
		{runtime.StatusCreated, false, 0, "Created"},
		{runtime.StatusRunning, false, 500 * time.Millisecond, "Up Less than a second"},
		{runtime.StatusRunning, false, time.Second, "Up 1 second"},
		{runtime.StatusRunning, false, 5 * time.Second, "Up 5 seconds"},
		{runtime.StatusRunning, false, 90 * time.Second, "Up About a minute"},
		{runtime.StatusRunning, false, 3 * time.Minute, "Up 3 minutes"},
		{runtime.StatusRunning, false, 65 * time.Minute, "Up About an hour"},
		{runtime.StatusRunning, true, 5 * time.Hour, "Up 5 hours (Paused)"},
		{runtime.StatusRunning, false, 72 * time.Hour, "Up 3 days"},
		{runtime.StatusRunning, false, 21 * 24 * time.Hour, "Up 3 weeks"},
		{runtime.StatusRunning, false, 90 * 24 * time.Hour, "Up 3 months"},
		{runtime.StatusRunning, false, 3 * 365 * 24 * time.Hour, "Up 3 years"},
		{runtime.StatusExited, false, 3 * time.Minute, "Exited (0) 3 minutes ago"},
		{StatusStorage, false, 0, "Storage"},
	} {
		c := &runtime.Container{State: runtime.State{Status: tc.status, Paused: tc.paused, StartedAt: now.Add(-tc.started), FinishedAt: now.Add(-tc.started)}}
		if got := StatusWords(c, now); got != tc.want {
			t.Errorf("%s %v %v: %q, want %q", tc.status, tc.paused, tc.started, got, tc.want)
		}
	}
	c := &runtime.Container{State: runtime.State{Status: runtime.StatusExited, ExitCode: 137}}
	if got := StatusWords(c, now); got != "Exited (137)" {
		t.Errorf("exited at an unknown time: %q", got)
	}
}

func TestMatch(t *testing.T) {
	running := container(runtime.StatusRunning, false)
	exited := container(runtime.StatusExited, false)
	for _, tc := range []struct {
		filters       []string
		running, exit bool
	}{
		{[]string{"name=we"}, true, true},
		{[]string{"name=^web$"}, true, true},
		{[]string{"name=^we$"}, false, false},
		{[]string{"name=db"}, false, false},
		{[]string{"name=db", "name=web"}, true, true}, // one key: alternatives
		{[]string{"id=0123"}, true, true},
		{[]string{"id=^f"}, false, false},
		{[]string{"status=running"}, true, false},
		{[]string{"status=exited"}, false, true},
		{[]string{"status=running", "status=exited"}, true, true},
		{[]string{"status=paused"}, false, false},
		{[]string{"exited=3"}, false, true},
		{[]string{"exited=0"}, false, false},
		{[]string{"ancestor=busybox"}, true, true},
		{[]string{"ancestor=husk-test/busybox"}, true, true},
		{[]string{"ancestor=husk-test/busybox:1"}, false, false},
		{[]string{"ancestor=127.0.0.1:5055/husk-test/busybox:latest"}, true, true},
		{[]string{"ancestor=busybox:latest"}, true, true},
		{[]string{"ancestor=box"}, false, false},
		{[]string{"ancestor=ffff"}, true, true},
		{[]string{"ancestor=alpine"}, false, false},
		{[]string{"label=app"}, true, true},
		{[]string{"label=app=web"}, true, true},
		{[]string{"label=app=db"}, false, false},
		{[]string{"label=app", "label=nope"}, false, false}, // labels: all must match
		{[]string{"label=app", "label=tier=front"}, true, true},
		{[]string{"label!=app=db"}, true, true},
		{[]string{"label!=app"}, false, false},
		{[]string{"volume=data"}, true, true},
		{[]string{"volume=/srv"}, true, true},
		{[]string{"volume=other"}, false, false},
		{[]string{"network=mynet"}, true, true},
		{[]string{"network=podman"}, false, false},
		{[]string{"health=healthy"}, false, false},
		{[]string{"health=none"}, false, false},
		{[]string{"health=anything"}, false, false}, // podman 4.3.1 takes any value
		{[]string{"restart-policy=always"}, false, false},
		{[]string{"restart-policy=no"}, false, false}, // an explicit --restart no
		{[]string{"restart-policy=none"}, true, true}, // no policy: every husk container
		{[]string{"pod=p1"}, false, false},
		{[]string{"name=web", "status=exited"}, false, true}, // keys: all must match
		{[]string{"name=web", "label=app", "ancestor=busybox", "status=running"}, true, false},
		{nil, true, true},
	} {
		for _, c := range []struct {
			c    *runtime.Container
			want bool
		}{{running, tc.running}, {exited, tc.exit}} {
			if got, err := Match(c.c, tc.filters); err != nil || got != c.want {
				t.Errorf("%q on a %s container: %v %v, want %v", tc.filters, c.c.State.Status, got, err, c.want)
			}
		}
	}
	for _, f := range []string{"nokey", "label", "nosuch=1", "status=sleeping", "exited=x", "restart-policy=sometimes", "restart-policy=", "pod=", "name=(", "before=web"} {
		if _, err := Match(running, []string{f}); err == nil {
			t.Errorf("%s accepted", f)
		}
	}
	_, err := Match(running, []string{"color=red"})
	if err == nil || !strings.Contains(err.Error(), "ancestor, before, exited, health, id, label, label!, name, network, pod, restart-policy, since, status, volume") {
		t.Errorf("an unknown filter does not list the valid ones: %v", err)
	}
}

func TestBeforeSince(t *testing.T) {
	mk := func(name string, age time.Duration) *runtime.Container {
		return &runtime.Container{ID: name + strings.Repeat("0", 60), Name: name, State: runtime.State{Status: runtime.StatusExited, CreatedAt: now.Add(-age)}}
	}
	cs := []*runtime.Container{mk("old", 3*time.Hour), mk("mid", 2*time.Hour), mk("new", time.Hour)}
	lookup := func(ref string) (*runtime.Container, error) {
		for _, c := range cs {
			if c.Name == ref {
				return c, nil
			}
		}
		return nil, runtime.ErrContainerUnknown
	}
	for _, tc := range []struct {
		filters []string
		want    string
	}{
		{[]string{"before=mid"}, "old"},
		{[]string{"since=mid"}, "new"},
		{[]string{"since=old", "before=new"}, "mid"},
		{[]string{"before=mid", "before=new"}, "mid old"},
	} {
		f, err := ParseFilter(tc.filters, lookup)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cs {
			if f.Match(c) {
				got = append(got, c.Name)
			}
		}
		sort.Strings(got)
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%q: %q, want %q", tc.filters, g, tc.want)
		}
	}
	if _, err := ParseFilter([]string{"since=nosuch"}, lookup); err == nil {
		t.Error("since= an unknown container accepted")
	}
}

func TestSortRows(t *testing.T) {
	mk := func(name, image string, created, started time.Duration, cmd string) Row {
		c := &runtime.Container{ID: name + strings.Repeat("0", 60), Name: name,
			Config: runtime.Config{Image: image, Command: []string{cmd}},
			State:  runtime.State{Status: runtime.StatusRunning, CreatedAt: now.Add(-created), StartedAt: now.Add(-started)}}
		if started == 0 {
			c.State = runtime.State{Status: runtime.StatusCreated, CreatedAt: now.Add(-created)}
		}
		return MakeRow(c, false, now)
	}
	rows := []Row{mk("b", "img2", time.Hour, 0, "true"), mk("a", "img3", 3*time.Hour, time.Minute, "sleep"), mk("c", "img1", 2*time.Hour, 2*time.Hour, "echo")}
	for key, want := range map[string]string{
		"created": "a c b", "names": "a b c", "id": "a b c", "image": "c b a", "command": "c a b", "runningfor": "b c a", "status": "b a c",
	} {
		rs := slices.Clone(rows)
		sortRows(rs, key)
		var got []string
		for _, r := range rs {
			got = append(got, r.Names)
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("--sort %s: %q, want %q", key, g, want)
		}
	}
}

func TestWrite(t *testing.T) {
	rows := []Row{MakeRow(container(runtime.StatusRunning, false), false, now)}
	fm, _ := format.New("{{.Names}} {{.State}}")
	var b strings.Builder
	if err := Write(&b, fm, rows, WriteOptions{}); err != nil || b.String() != "web running\n" {
		t.Errorf("template: %q %v", b.String(), err)
	}
	b.Reset()
	if err := Write(&b, fm, rows, WriteOptions{Quiet: true}); err != nil || b.String() != "0123456789ab\n" {
		t.Errorf("quiet: %q %v", b.String(), err)
	}
	fm, _ = format.New("")
	b.Reset()
	if err := Write(&b, fm, nil, WriteOptions{}); err != nil ||
		b.String() != "CONTAINER ID  IMAGE       COMMAND     CREATED     STATUS      PORTS       NAMES\n" {
		t.Errorf("table: %q %v", b.String(), err)
	}
	fm, _ = format.New("table {{.ID}} {{.Names}} {{.ExitCode}} {{.CreatedAt}} {{.ImageID}} {{.RunningFor}} {{.Pod}} {{.Mounts}}")
	b.Reset()
	if err := Write(&b, fm, rows, WriteOptions{}); err != nil ||
		!strings.HasPrefix(b.String(), "CONTAINER ID  NAMES       EXIT CODE   CREATED AT                     IMAGE ID      RUNNING FOR    POD ID      MOUNTS\n0123456789ab  web         3           2026-01-02 14:59:05 +0000 UTC  ffffffffffff  5 minutes ago              [/data /srv]\n") {
		t.Errorf("table template: %q %v", b.String(), err)
	}
	b.Reset()
	if err := Write(&b, fm, rows, WriteOptions{NoHeading: true}); err != nil || strings.Contains(b.String(), "CONTAINER ID") {
		t.Errorf("--noheading: %q %v", b.String(), err)
	}
	fm, _ = format.New("json")
	b.Reset()
	if err := Write(&b, fm, rows, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var js []map[string]any
	if err := json.Unmarshal([]byte(b.String()), &js); err != nil || len(js) != 1 {
		t.Fatalf("%v: %s", err, b.String())
	}
	var keys []string
	for k := range js[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// podman 4.3.1's keys
	want := "AutoRemove Command Created CreatedAt ExitCode Exited ExitedAt Id Image ImageID IsInfra Labels Mounts Names Namespaces Networks Pid Pod PodName Ports Size StartedAt State Status"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("json keys:\n%s\nwant\n%s", got, want)
	}
	if js[0]["Created"] != float64(now.Add(-5*time.Minute).Unix()) || js[0]["Names"].([]any)[0] != "web" || js[0]["Size"] != nil ||
		js[0]["Ports"].([]any)[1].(map[string]any)["range"] != float64(2) {
		t.Errorf("json: %v", js[0])
	}
}
