package compose

import (
	"errors"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

func TestCheckAbort(t *testing.T) {
	p := load(t, map[string]string{"compose.yaml": `
services:
  a: {image: busybox}
  quiet: {image: busybox, attach: false}
`}, composeopts.Project{})
	for _, c := range []struct {
		o    composeopts.Up
		want string // "" = accepted
	}{
		{composeopts.Up{}, ""},
		{composeopts.Up{Detach: true}, ""},
		{composeopts.Up{AbortOnExit: true}, ""},
		{composeopts.Up{ExitCodeFrom: "a"}, ""},
		{composeopts.Up{AbortOnExit: true, Detach: true}, "cannot be combined with detach or wait"},
		{composeopts.Up{ExitCodeFrom: "a", Detach: true}, "cannot be combined with detach or wait"},
		{composeopts.Up{ExitCodeFrom: "nosuch"}, `no service "nosuch"`},
		{composeopts.Up{ExitCodeFrom: "quiet"}, "attach: false"},
	} {
		err := checkAbort(p, c.o)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.o, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: got %v, want an error with %q", c.o, err, c.want)
		}
	}
}

func TestUpExit(t *testing.T) {
	cs := []projCtr{{name: "p-a-1", service: "a"}, {name: "p-b-1", service: "b"}, {name: "p-b-2", service: "b"}}
	codes := map[string]int{"p-a-1": 3, "p-b-1": 0, "p-b-2": 7}
	var ue *UpExit
	if err := upExit(composeopts.Up{AbortOnExit: true}, cs[0], cs, codes); !errors.As(err, &ue) || ue.Code != 3 || ue.Container != "p-a-1" {
		t.Errorf("first to stop: %v", err)
	}
	if err := upExit(composeopts.Up{ExitCodeFrom: "b"}, cs[0], cs, codes); err != nil {
		t.Errorf("--exit-code-from b (its first container exited 0): %v", err)
	}
	if err := upExit(composeopts.Up{AbortOnExit: true}, cs[2], cs, codes); !errors.As(err, &ue) || ue.Code != 7 {
		t.Errorf("replica 2 first: %v", err)
	}
	if err := upExit(composeopts.Up{AbortOnExit: true}, projCtr{name: "gone", service: "a"}, cs, codes); err == nil || errors.As(err, &ue) {
		t.Errorf("unknown code: got %v, want a plain error", err)
	}
}
