package setting

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func flag(name string) string { return "--" + name }

func TestSpelling(t *testing.T) {
	err := Errorf("{memory-swap} (%d) must be at least {memory} (%d)", 1, 2)
	if got, want := err.Error(), "memory-swap (1) must be at least memory (2)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := SpellAll(err, flag), "--memory-swap (1) must be at least --memory (2)"; got != want {
		t.Errorf("SpellAll = %q, want %q", got, want)
	}
}

func TestValuesAndArgumentsAreLeftAlone(t *testing.T) {
	err := Errorf("%q needs a cgroup, but {cgroups=disabled} runs without one", "{memory}")
	want := `"{memory}" needs a cgroup, but --cgroups=disabled runs without one`
	if got := SpellAll(err, flag); got != want {
		t.Errorf("SpellAll = %q, want %q", got, want)
	}
	if got := Errorf("100%% of {cpus}").Error(); got != "100% of cpus" {
		t.Errorf("Error() = %q", got)
	}
}

func TestWrapping(t *testing.T) {
	inner := Errorf("{cpuset-cpus}: %w", fs.ErrNotExist)
	outer := fmt.Errorf("create container: %w", Errorf("check {network}: %w", inner))
	want := "create container: check --network: --cpuset-cpus: file does not exist"
	if got := SpellAll(outer, flag); got != want {
		t.Errorf("SpellAll = %q, want %q", got, want)
	}
	if !errors.Is(outer, fs.ErrNotExist) {
		t.Error("errors.Is does not reach the wrapped error")
	}
	e, ok := As(outer)
	if !ok || len(e.Names()) != 1 || e.Names()[0] != "network" {
		t.Errorf("As = %v %v", e, ok)
	}
	if got := SpellAll(errors.Join(inner, errors.New("x")), flag); got != "--cpuset-cpus: file does not exist\nx" {
		t.Errorf("joined: %q", got)
	}
}

func TestEncodeDecode(t *testing.T) {
	err := fmt.Errorf("start: %w", Errorf("{network} %q: %s", "{memory}", "pasta is missing"))
	text := Encode(err)
	back := Decode(text)
	if got, want := back.Error(), `start: network "{memory}": pasta is missing`; got != want {
		t.Errorf("Decode(Encode(err)).Error() = %q, want %q", got, want)
	}
	if got, want := SpellAll(back, flag), `start: --network "{memory}": pasta is missing`; got != want {
		t.Errorf("SpellAll(Decode(Encode(err))) = %q, want %q", got, want)
	}
	if got := Decode("plain").Error(); got != "plain" {
		t.Errorf("Decode(plain) = %q", got)
	}
}

// {-name} asks for the short form; plainly it is the name.
func TestShortForm(t *testing.T) {
	err := Errorf("{-volume} %q and {mount} %q", "/a:/x", "type=tmpfs")
	if got, want := err.Error(), `volume "/a:/x" and mount "type=tmpfs"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	short := func(n string) string {
		if n == "-volume" {
			return "-v"
		}
		return "--" + Plain(n)
	}
	if got, want := err.(*Error).Spell(short), `-v "/a:/x" and --mount "type=tmpfs"`; got != want {
		t.Errorf("Spell = %q, want %q", got, want)
	}
	if got := err.(*Error).Names(); len(got) != 2 || got[0] != "volume" || got[1] != "mount" {
		t.Errorf("Names = %q", got)
	}
	if got := SpellAll(Decode(Encode(err)), short); got != `-v "/a:/x" and --mount "type=tmpfs"` {
		t.Errorf("through Encode and Decode: %q", got)
	}
}
