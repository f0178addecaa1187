//go:build linux

package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/pkg/events"
)

// husk events reads the journal of the store --runroot names, without a
// user namespace.
func TestEventsCommand(t *testing.T) {
	runRoot := t.TempDir()
	j := events.New(filepath.Join(runRoot, "husk-events"))
	tm := time.Date(2026, 12, 5, 19, 0, 0, 0, time.UTC)
	for _, e := range []events.Event{
		{Type: events.Container, Status: events.Create, ID: strings.Repeat("a", 64), Name: "web", Image: "busybox", Time: tm},
		{Type: events.Container, Status: events.Died, ID: strings.Repeat("a", 64), Name: "web", Image: "busybox", ContainerExitCode: events.ExitCode(2), Time: tm.Add(time.Minute)},
		{Type: events.Volume, Status: events.Create, Name: "v1", Time: tm.Add(2 * time.Minute)},
	} {
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	husk := func(args ...string) (string, string, int) {
		return runCLI(t, "", append([]string{"--runroot", runRoot, "events", "--stream=false"}, args...)...)
	}
	out, errOut, code := husk()
	if code != 0 || errOut != "" || len(strings.Split(strings.TrimSpace(out), "\n")) != 3 ||
		!strings.Contains(out, "2026-12-05 19:00:00 +0000 UTC container create "+strings.Repeat("a", 64)+" (image=busybox, name=web)\n") {
		t.Errorf("%d %q %q", code, out, errOut)
	}
	out, _, code = husk("--filter", "event=died", "--format", "{{.Name}} {{.ContainerExitCode}}")
	if code != 0 || out != "web 2\n" {
		t.Errorf("%d %q", code, out)
	}
	out, _, code = husk("--since", "2026-12-05T19:01:00Z", "--format", "json")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.HasPrefix(out, `{"ContainerExitCode":2,"ID":`) {
		t.Errorf("%d %q", code, out)
	}
	out, _, code = husk("--no-trunc=false", "--until", "1796497230")
	if code != 0 || out != "2026-12-05 19:00:00 +0000 UTC container create aaaaaaaaaaaa (image=busybox, name=web)\n" {
		t.Errorf("%d %q", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--filter", "colour=x"}, `husk: invalid --filter "colour=x"`},
		{[]string{"--since", "soon"}, `husk: --since: invalid time "soon"`},
		{[]string{"--format", "{{"}, "husk: parse --format"},
	} {
		_, errOut, code := husk(c.args...)
		if code != exitHusk || !strings.HasPrefix(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: %d %q", c.args, code, errOut)
		}
	}
}
