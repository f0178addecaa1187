package opterr

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

var flags = map[Option][2]string{"volume": {"v", "volume"}, "env": {"e", "env"}, "memory": {"m", "memory"}}

func spell(o Option, long bool) string {
	f := flags[o]
	if f[0] != "" && !long {
		return "-" + f[0]
	}
	return "--" + string(o)
}

func TestErrorSpelling(t *testing.T) {
	e := Errorf("volume", "%s %q and %s %q both mount on /x", Option("volume"), "/a:/x", Option("memory"), "1m")
	if got, want := e.Error(), `volume "/a:/x" and memory "1m" both mount on /x`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := e.Text(spell), `-v "/a:/x" and -m "1m" both mount on /x`; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	e = Errorf("env", "empty %s: use NAME=VALUE", Long("env"))
	if got, want := e.Text(spell), "empty --env: use NAME=VALUE"; got != want {
		t.Errorf("Long: %q, want %q", got, want)
	}
}

func TestErrorWraps(t *testing.T) {
	e := Errorf("volume", "%s %q: %w", Option("volume"), "x", fs.ErrNotExist)
	if !errors.Is(e, fs.ErrNotExist) {
		t.Error("errors.Is does not see the wrapped error")
	}
	outer := fmt.Errorf("create container: %w", e)
	s := Spell(outer, spell)
	if got, want := s.Error(), `create container: -v "x": file does not exist`; got != want {
		t.Errorf("Spell = %q, want %q", got, want)
	}
	if !errors.Is(s, fs.ErrNotExist) {
		t.Error("the spelled error lost what it wraps")
	}
	var oe *Error
	if !errors.As(s, &oe) || oe.Option != "volume" {
		t.Errorf("errors.As: %v", oe)
	}
	if again := Spell(s, spell); again != s {
		t.Error("spelled twice")
	}
	plain := errors.New("plain")
	if Spell(plain, spell) != plain || Spell(nil, spell) != nil {
		t.Error("an error without options changed")
	}
}
