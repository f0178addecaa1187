//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAbsStorePaths(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	g := globalOptions{root: "rel/root", runRoot: "./run"}
	if err := g.absStorePaths(); err != nil {
		t.Fatal(err)
	}
	if g.root != filepath.Join(wd, "rel/root") || g.runRoot != filepath.Join(wd, "run") {
		t.Fatalf("got %q, %q", g.root, g.runRoot)
	}
	g = globalOptions{root: "/abs/x/../root"}
	if err := g.absStorePaths(); err != nil || g.root != "/abs/root" || g.runRoot != "" {
		t.Fatalf("got %q, %q, %v", g.root, g.runRoot, err)
	}
	g = globalOptions{runRoot: "  "}
	if err := g.absStorePaths(); err == nil || !strings.Contains(err.Error(), "--runroot") {
		t.Fatalf("blank --runroot: %v", err)
	}
}
