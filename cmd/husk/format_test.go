//go:build linux

package main

import (
	"strings"
	"testing"
)

func TestFormatterBounds(t *testing.T) {
	if _, err := newFormatter("{{range 100000000000}}x{{end}}"); err == nil || !strings.Contains(err.Error(), "at most 65536") {
		t.Fatalf("range over a huge literal: %v", err)
	}
	if _, err := newFormatter("{{if 1}}{{range 1e9}}{{end}}{{end}}"); err == nil {
		t.Fatal("range over a float literal in an if accepted")
	}
	fm, err := newFormatter("{{range 3}}{{$}}{{end}}")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := fm.renderTemplate(&out, []any{"ab"}); err != nil || out.String() != "ababab\n" {
		t.Fatalf("%q %v", out.String(), err)
	}
	fm, err = newFormatter("{{range 65536}}{{$}}{{end}}")
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = fm.renderTemplate(&out, []any{strings.Repeat("x", 100)})
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Fatalf("6.5 MB for one item: %v", err)
	}
}
