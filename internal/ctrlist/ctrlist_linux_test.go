package ctrlist

import (
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/runtime"
)

func container(status runtime.Status, paused bool) *runtime.Container {
	ep := []string{"/bin/sh", "-c"}
	return &runtime.Container{ID: strings.Repeat("0123456789abcdef", 4), Name: "web",
		Config: runtime.Config{Image: "127.0.0.1:5055/husk-test/busybox", ImageID: strings.Repeat("f", 64), Entrypoint: &ep, Command: []string{"sleep 1000"}},
		State: runtime.State{Status: status, Paused: paused, ExitCode: 3, CreatedAt: time.Now().Add(-5 * time.Minute),
			StartedAt: time.Now().Add(-3 * time.Hour), FinishedAt: time.Now().Add(-2 * time.Hour)}}
}

func TestMakeRow(t *testing.T) {
	r := MakeRow(container(runtime.StatusRunning, true), false)
	if r.ID != "0123456789ab" || r.Command != "/bin/sh -c sleep ..." || r.Status != "Up 3 hours (Paused)" || r.State != "paused" || r.Created != "5 minutes ago" {
		t.Errorf("%+v", r)
	}
	r = MakeRow(container(runtime.StatusExited, false), true)
	if len(r.ID) != 64 || r.Command != "/bin/sh -c sleep 1000" || r.Status != "Exited (3) 2 hours ago" || r.State != "exited" {
		t.Errorf("%+v", r)
	}
}

func TestMatch(t *testing.T) {
	c := container(runtime.StatusRunning, false)
	for f, want := range map[string]bool{
		"name=we": true, "name=db": false, "id=0123": true, "id=f": false, "status=running": true, "status=exited": false,
		"ancestor=busybox": true, "ancestor=husk-test/busybox": true, "ancestor=husk-test/busybox:1": false, "ancestor=ffff": true, "ancestor=alpine": false,
	} {
		if got, err := Match(c, []string{f}); err != nil || got != want {
			t.Errorf("%s: %v %v", f, got, err)
		}
	}
	for _, f := range []string{"nokey", "label=x"} {
		if _, err := Match(c, []string{f}); err == nil {
			t.Errorf("%s accepted", f)
		}
	}
}

func TestWrite(t *testing.T) {
	rows := []Row{MakeRow(container(runtime.StatusRunning, false), false)}
	fm, _ := format.New("{{.Names}} {{.State}}")
	var b strings.Builder
	if err := Write(&b, fm, rows, false); err != nil || b.String() != "web running\n" {
		t.Errorf("template: %q %v", b.String(), err)
	}
	b.Reset()
	if err := Write(&b, fm, rows, true); err != nil || b.String() != "0123456789ab\n" {
		t.Errorf("quiet: %q %v", b.String(), err)
	}
	fm, _ = format.New("")
	b.Reset()
	if err := Write(&b, fm, nil, false); err != nil || b.String() != "CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   NAMES\n" {
		t.Errorf("table: %q %v", b.String(), err)
	}
}
