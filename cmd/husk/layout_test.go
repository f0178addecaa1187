//go:build linux

package main

// The shape issue 12 gave the code, kept: cmd/husk stays a thin layer,
// pkg/runtime's files and every function stay readable, and the libraries
// name settings, not flags, in their errors.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// productFiles calls fn for every non-test Go file under the given
// directories of the repository.
func productFiles(t *testing.T, fn func(path string, src []byte), dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join("..", "..", dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			if strings.Contains(path, "testdata") {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fn(path, b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func lines(b []byte) int { return strings.Count(string(b), "\n") }

// cmd/husk is at most 15% of the product's Go (cmd, pkg, internal).
func TestCmdIsThin(t *testing.T) {
	var cmd, all int
	productFiles(t, func(path string, b []byte) {
		all += lines(b)
		if strings.Contains(path, filepath.Join("cmd", "husk")) {
			cmd += lines(b)
		}
	}, "cmd", "pkg", "internal")
	if all < 10000 {
		t.Fatalf("counted only %d lines: the walk is broken", all)
	}
	if share := float64(cmd) / float64(all); share > 0.15 {
		t.Errorf("cmd/husk is %d of %d lines (%.1f%%): move logic below cmd/ (at most 15%%)", cmd, all, 100*share)
	}
}

// No pkg/runtime file is over 400 lines, and no function anywhere is
// over 80 lines unless its comment says why ("on purpose").
func TestSizes(t *testing.T) {
	productFiles(t, func(path string, b []byte) {
		if strings.Contains(path, filepath.Join("pkg", "runtime")) && lines(b) > 400 {
			t.Errorf("%s has %d lines: split it by concern (at most 400)", path, lines(b))
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, b, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			if n > 80 && !strings.Contains(fd.Doc.Text(), "on purpose") {
				t.Errorf("%s: %s has %d lines: split it, or say beside it why it is long \"on purpose\"", path, fd.Name.Name, n)
			}
		}
	}, "cmd", "pkg", "internal")
}

// Errors in pkg/ and internal/ name the user's settings as {name}
// (internal/setting), never as one of husk's flags.
func TestLibrariesNameNoFlags(t *testing.T) {
	flags := map[string]bool{}
	_, root := newApp(nil, nil, nil)
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		add := func(f *pflag.Flag) { flags[f.Name] = true }
		c.LocalFlags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(root)
	// --help is no setting: "see husk X --help" may be written as is
	// (run and create define it themselves, to free -h for --hostname).
	delete(flags, "help")
	call := regexp.MustCompile(`(?:Errorf|errors\.New|Sprintf)\(\s*"((?:[^"\\\n]|\\.)*)"`)
	flag := regexp.MustCompile(`(?:^|[^a-z0-9-])--([a-z][a-z0-9-]*)`)
	productFiles(t, func(path string, b []byte) {
		for _, m := range call.FindAllSubmatch(b, -1) {
			for _, f := range flag.FindAllSubmatch(m[1], -1) {
				if flags[string(f[1])] {
					t.Errorf("%s: %q names the flag --%s: write {%s} with setting.Errorf", path, m[1], f[1], f[1])
				}
			}
		}
	}, "pkg", "internal")
}
