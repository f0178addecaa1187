package events

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func readAll(t *testing.T, j *Journal, o Options) []Event {
	t.Helper()
	var out []Event
	if err := j.Read(o, func(e Event) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAppendRead(t *testing.T) {
	j := New(filepath.Join(t.TempDir(), "ev"))
	if got := readAll(t, j, Options{}); len(got) != 0 {
		t.Fatalf("empty journal: %v", got)
	}
	must(t, j.Append(Event{Type: Container, Status: Create, ID: "abc", Name: "c1", Image: "busybox", Attributes: map[string]string{"a": "1"}}))
	must(t, j.Append(Event{Type: Container, Status: Died, ID: "abc", Name: "c1", ContainerExitCode: ExitCode(3)}))
	got := readAll(t, j, Options{})
	if len(got) != 2 || got[0].Status != Create || got[1].ContainerExitCode == nil || *got[1].ContainerExitCode != 3 {
		t.Fatalf("got %+v", got)
	}
	if got[0].Time.IsZero() || got[0].Attributes["a"] != "1" {
		t.Fatalf("time or attributes lost: %+v", got[0])
	}
	fi, err := os.Stat(filepath.Join(j.Dir, logName))
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", fi.Mode().Perm())
	}
	// A journal removed meanwhile (system reset) is made again.
	must(t, os.RemoveAll(j.Dir))
	must(t, j.Append(Event{Type: Container, Status: Remove, ID: "abc", Name: "c1"}))
	if got := readAll(t, j, Options{}); len(got) != 1 || got[0].Status != Remove {
		t.Fatalf("after the journal was removed: %+v", got)
	}
}

func TestJSONKeysArePodmans(t *testing.T) {
	b, err := json.Marshal(Event{Type: Container, Status: Died, ID: "x", Image: "i", Name: "n", ContainerExitCode: ExitCode(0), Time: time.Unix(1, 0).UTC(), Attributes: map[string]string{}})
	must(t, err)
	want := `{"ContainerExitCode":0,"ID":"x","Image":"i","Name":"n","Status":"died","Time":"1970-01-01T00:00:01Z","Type":"container","Attributes":{}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(Event{Type: Volume, Status: Create, Name: "v", Time: time.Unix(1, 0).UTC()})
	if want := `{"Name":"v","Status":"create","Time":"1970-01-01T00:00:01Z","Type":"volume","Attributes":null}`; string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestString(t *testing.T) {
	tm := time.Date(2026, 12, 5, 19, 27, 38, 209990068, time.UTC)
	id := strings.Repeat("ab", 32)
	for _, c := range []struct {
		e     Event
		trunc bool
		want  string
	}{
		{Event{Time: tm, Type: Container, Status: Start, ID: id, Image: "busybox:latest", Name: "a3"}, false,
			"2026-12-05 19:27:38.209990068 +0000 UTC container start " + id + " (image=busybox:latest, name=a3)"},
		{Event{Time: tm, Type: Container, Status: Start, ID: id, Image: "b", Name: "a3", Attributes: map[string]string{"z": "1", "a": "2"}}, true,
			"2026-12-05 19:27:38.209990068 +0000 UTC container start abababababab (image=b, name=a3, a=2, z=1)"},
		{Event{Time: tm, Type: Image, Status: Pull, Name: "reg/busybox"}, false,
			"2026-12-05 19:27:38.209990068 +0000 UTC image pull  reg/busybox"},
		{Event{Time: tm, Type: Volume, Status: Create, Name: "vol1"}, false,
			"2026-12-05 19:27:38.209990068 +0000 UTC volume create vol1"},
	} {
		if got := c.e.String(c.trunc); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

func TestFilters(t *testing.T) {
	ev := []Event{
		{Type: Container, Status: Start, ID: "1111aaaa", Name: "web", Image: "127.0.0.1:5055/husk-test/busybox:latest", Attributes: map[string]string{"app": "x"}},
		{Type: Container, Status: Died, ID: "2222bbbb", Name: "db", Image: "alpine"},
		{Type: Image, Status: Pull, ID: "sha256:3333", Name: "127.0.0.1:5055/husk-test/busybox"},
		{Type: Volume, Status: Create, Name: "vol1"},
		{Type: Network, Status: Remove, ID: "4444", Network: "net1"},
		{Type: Pod, Status: Create, ID: "0a0a", Name: "p1"},
	}
	for _, c := range []struct {
		filters []string
		want    string
	}{
		{nil, "web db 127.0.0.1:5055/husk-test/busybox vol1 net1 p1"},
		{[]string{"type=container"}, "web db"},
		{[]string{"type=container", "type=volume"}, "web db vol1"},
		{[]string{"type=container", "event=died"}, "db"},
		{[]string{"status=start"}, "web"},
		{[]string{"container=web"}, "web"},
		{[]string{"container=2222"}, "db"},
		{[]string{"container=web", "container=db"}, "web db"},
		{[]string{"image=busybox"}, "web 127.0.0.1:5055/husk-test/busybox"},
		{[]string{"image=3333"}, "127.0.0.1:5055/husk-test/busybox"},
		{[]string{"label=app"}, "web"},
		{[]string{"label=app=x"}, "web"},
		{[]string{"label=app=y"}, ""},
		{[]string{"volume=vol1"}, "vol1"},
		{[]string{"network=net1"}, "net1"},
		{[]string{"type=pod"}, "p1"},
		{[]string{"pod=p1"}, "p1"},
		{[]string{"pod=0a"}, "p1"},
	} {
		f, err := ParseFilters(c.filters)
		must(t, err)
		var names []string
		for _, e := range ev {
			if (Options{Filters: f}).Match(e) {
				names = append(names, e.Name+e.Network)
			}
		}
		if got := strings.Join(names, " "); got != c.want {
			t.Errorf("%v: got %q, want %q", c.filters, got, c.want)
		}
	}
	for _, bad := range []string{"nokey", "type=", "colour=red", "type=nosuch"} {
		if _, err := ParseFilters([]string{bad}); err == nil || !strings.Contains(err.Error(), "filter") {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in    string
		since bool
		want  time.Time
	}{
		{"2026-12-05T19:00:00Z", true, time.Date(2026, 12, 5, 19, 0, 0, 0, time.UTC)},
		{"2026-12-05T19:00:00.5+01:00", true, time.Date(2026, 12, 5, 18, 0, 0, 5e8, time.UTC)},
		{"1700000000", true, time.Unix(1700000000, 0)},
		{"1700000000.25", true, time.Unix(1700000000, 25e7)},
		{"10m", true, now.Add(-10 * time.Minute)},
		{"10m", false, now.Add(10 * time.Minute)},
	} {
		got, err := ParseTime(c.in, c.since, now)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%q: got %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "12.", "-5", "99999999999999999999"} {
		if _, err := ParseTime(bad, true, now); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestSinceUntil(t *testing.T) {
	j := New(t.TempDir())
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		must(t, j.Append(Event{Type: System, Status: Status(fmt.Sprint(i)), Time: base.Add(time.Duration(i) * time.Minute)}))
	}
	got := readAll(t, j, Options{Since: base.Add(time.Minute), Until: base.Add(3 * time.Minute)})
	if len(got) != 3 || got[0].Status != "1" || got[2].Status != "3" {
		t.Fatalf("got %+v", got)
	}
}

// Writers in parallel (goroutines here, processes in the bats suite), with
// rotations among them: every event is in the journal once, whole, and
// the journal stays bounded.
func TestConcurrentAppendsWithRotation(t *testing.T) {
	j := &Journal{Dir: t.TempDir(), MaxSize: 64 << 10}
	const writers, each = 8, 200
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := j.Append(Event{Type: Container, Status: Start, ID: fmt.Sprintf("%d-%d", w, i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	must(t, j.Append(Event{Type: Container, Status: Stop, ID: "last"}))
	got := readAll(t, j, Options{})
	seen := map[string]bool{}
	for _, e := range got {
		if seen[e.ID] {
			t.Fatalf("%s twice", e.ID)
		}
		seen[e.ID] = true
	}
	if !seen["last"] {
		t.Error("the last event is missing")
	}
	// About 100 bytes an event: 1600 of them rotate a 64 KiB journal
	// several times, and only the last two files' worth remain.
	if _, err := os.Stat(filepath.Join(j.Dir, oldName)); err != nil {
		t.Fatalf("the journal never rotated: %v", err)
	}
	for _, n := range []string{logName, oldName} {
		fi, err := os.Stat(filepath.Join(j.Dir, n))
		must(t, err)
		// Writers check the size side by side: each may add its line to
		// a file another one just filled.
		if limit := j.MaxSize + writers*256; fi.Size() > limit {
			t.Errorf("%s is %d bytes, over %d", n, fi.Size(), limit)
		}
	}
	if len(got) >= writers*each {
		t.Errorf("%d events kept: nothing was rotated away", len(got))
	}
}

func TestConcurrentAppendsLoseNothing(t *testing.T) {
	j := New(t.TempDir())
	const writers, each = 8, 250
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				must(t, j.Append(Event{Type: Image, Status: Tag, ID: fmt.Sprintf("%d-%d", w, i)}))
			}
		}(w)
	}
	wg.Wait()
	if got := readAll(t, j, Options{}); len(got) != writers*each {
		t.Fatalf("%d events, want %d", len(got), writers*each)
	}
}

func TestFollowAcrossRotation(t *testing.T) {
	old := PollInterval
	PollInterval = 5 * time.Millisecond
	defer func() { PollInterval = old }()
	j := &Journal{Dir: t.TempDir(), MaxSize: 4 << 10}
	must(t, j.Append(Event{Type: System, Status: "before"}))
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan Event, 1000)
	done := make(chan error, 1)
	go func() {
		done <- j.Follow(ctx, Options{Filters: map[string][]string{"type": {"container"}}}, false, func(e Event) error {
			got <- e
			return nil
		})
	}()
	// The follower starts at the end: wait until it has opened the file
	// by seeing a first event, then write past several rotations.
	for i := 0; ; i++ {
		must(t, j.Append(Event{Type: Container, Status: Start, ID: "probe"}))
		select {
		case <-got:
		case <-time.After(20 * time.Millisecond):
			if i > 500 {
				t.Fatal("follower sees nothing")
			}
			continue
		}
		break
	}
	drain(got)
	// ~100 bytes an event: the 4 KiB journal rotates a few times. The
	// follower reads each batch of 20 (2 KiB, less than a file) before
	// the next is written, so no two rotations fall between its polls.
	const n, batch = 100, 20
	seen := 0
	for i := 0; i < n; i++ {
		must(t, j.Append(Event{Type: Container, Status: Start, ID: fmt.Sprint(i)}))
		if (i+1)%batch != 0 {
			continue
		}
		for seen <= i {
			select {
			case e := <-got:
				if e.ID != fmt.Sprint(seen) {
					t.Fatalf("event %d: got %q", seen, e.ID)
				}
				seen++
			case <-time.After(10 * time.Second):
				t.Fatalf("saw %d of %d events", seen, i+1)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(j.Dir, oldName)); err != nil {
		t.Fatalf("the journal never rotated: %v", err)
	}
	cancel()
	must(t, <-done)
}

func drain(c chan Event) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func BenchmarkAppend(b *testing.B) {
	j := New(b.TempDir())
	e := Event{Type: Container, Status: Start, ID: strings.Repeat("a", 64), Name: "name", Image: "127.0.0.1:5055/husk-test/busybox", Attributes: map[string]string{"a": "b"}}
	for i := 0; i < b.N; i++ {
		if err := j.Append(e); err != nil {
			b.Fatal(err)
		}
	}
}
