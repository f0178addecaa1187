//go:build linux

package main

import (
	"io"
	"slices"
	"testing"
)

// The table's names are the names and aliases of the commands each entry
// builds, in order: a command line resolves to the same command whether
// the root has it alone or all of them.
func TestCommandTableNamesItsCommands(t *testing.T) {
	a, root := newApp(nil, io.Discard, io.Discard)
	for _, entry := range a.commandTable(root) {
		var names []string
		for _, c := range entry.build() {
			names = append(names, append([]string{c.Name()}, c.Aliases...)...)
		}
		if entry.names == nil {
			continue // built with the whole tree only
		}
		if !slices.Equal(names, entry.names) {
			t.Errorf("table entry %v builds commands named %v", entry.names, names)
		}
	}
	for _, entry := range a.commandTable(root) {
		for _, n := range entry.names {
			full, _, err := root.Find([]string{n})
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			_, alone := newAppFor([]string{n}, nil, io.Discard, io.Discard)
			got, _, err := alone.Find([]string{n})
			if err != nil || got.Name() != full.Name() {
				t.Errorf("%s: alone resolves to %v (%v), with all to %s", n, got, err, full.Name())
			}
			if len(alone.Commands()) != len(entry.build()) {
				t.Errorf("%s: the root got %d commands, want only its own", n, len(alone.Commands()))
			}
		}
	}
}

func TestCommandName(t *testing.T) {
	_, root := newApp(nil, io.Discard, io.Discard)
	global := root.PersistentFlags()
	for _, tc := range []struct {
		args []string
		want string
		ok   bool
	}{
		{[]string{"run", "--rm", "busybox"}, "run", true},
		{[]string{"--log-level", "debug", "run"}, "run", true},
		{[]string{"--log-level=debug", "ps", "-a"}, "ps", true},
		{[]string{"--root", "/x", "--runroot", "/y", "images"}, "images", true},
		{[]string{"--help"}, "", false},
		{[]string{"--no-such-flag", "run"}, "", false},
		{[]string{"--", "run"}, "", false},
		{nil, "", false},
	} {
		got, ok := commandName(global, tc.args)
		if got != tc.want || ok != tc.ok {
			t.Errorf("commandName(%q) = %q, %v; want %q, %v", tc.args, got, ok, tc.want, tc.ok)
		}
	}
}

// Unknown commands, help and completion see every command.
func TestWholeTreeWhenUnsure(t *testing.T) {
	_, all := newApp(nil, io.Discard, io.Discard)
	for _, args := range [][]string{{"help"}, {"no-such"}, {"__complete", "ru"}, {"completion", "bash"}, {"generate-docs", "a", "b"}} {
		_, root := newAppFor(args, nil, io.Discard, io.Discard)
		if len(root.Commands()) != len(all.Commands()) {
			t.Errorf("%q: %d commands, want all %d", args, len(root.Commands()), len(all.Commands()))
		}
	}
}
