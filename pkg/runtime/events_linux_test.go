package runtime

import (
	"testing"

	"github.com/husk-dev/husk/pkg/events"
)

func TestRecordEvent(t *testing.T) {
	j := events.New(t.TempDir())
	env := Env{Events: j}
	c := &Container{ID: "abc", Name: "web", Config: Config{Image: "busybox", Labels: map[string]string{"team": "a"}}}
	RecordEvent(env, c, events.Start)
	recordEvent(env, c, events.Died, events.ExitCode(7))
	RecordHealth(env, c, "healthy")
	RecordEvent(Env{}, c, events.Stop) // no journal: nothing, no panic
	var got []events.Event
	if err := j.Read(events.Options{}, func(e events.Event) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d events: %+v", len(got), got)
	}
	if e := got[0]; e.Type != events.Container || e.ID != "abc" || e.Name != "web" || e.Image != "busybox" || e.Attributes["team"] != "a" || e.ContainerExitCode != nil {
		t.Errorf("start: %+v", e)
	}
	if e := got[1]; e.Status != events.Died || e.ContainerExitCode == nil || *e.ContainerExitCode != 7 {
		t.Errorf("died: %+v", e)
	}
	if e := got[2]; e.Status != events.HealthCheck || e.HealthStatus != "healthy" {
		t.Errorf("health: %+v", e)
	}
}
