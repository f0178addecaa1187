//go:build linux

package main

import (
	"bytes"
	"go/build"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// runCLI runs husk in-process with the given arguments. Commands that need
// the store run only as root here (no user namespace in unit tests).
func runCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func TestVersion(t *testing.T) {
	out, _, code := runCLI(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "husk version ") {
		t.Fatalf("%d %q", code, out)
	}
}

func TestBadFlagExits125(t *testing.T) {
	_, errOut, code := runCLI(t, "", "pull", "--no-such-flag", "x")
	if code != exitHusk || !strings.HasPrefix(errOut, "husk: unknown flag") {
		t.Fatalf("%d %q", code, errOut)
	}
	if strings.Count(errOut, "husk:") != 1 {
		t.Fatalf("error printed more than once: %q", errOut)
	}
}

func TestBadStorageDriver(t *testing.T) {
	_, errOut, code := runCLI(t, "", "--storage-driver", "btrfs", "images")
	if code != exitHusk || !strings.Contains(errOut, `unknown storage driver "btrfs"`) {
		t.Fatalf("%d %q", code, errOut)
	}
}

func TestRegistryFlagsTLSOnlyWhenGiven(t *testing.T) {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	r := addRegistryFlags(cmd.Flags(), true)
	if err := cmd.ParseFlags([]string{"--creds", "u:p"}); err != nil {
		t.Fatal(err)
	}
	o := r.options()
	if o.TLSVerify != nil || o.Creds != "u:p" {
		t.Fatalf("%+v", o)
	}
	if err := cmd.ParseFlags([]string{"--tls-verify=false", "--authfile", "/a", "--cert-dir", "/c"}); err != nil {
		t.Fatal(err)
	}
	o = r.options()
	if o.TLSVerify == nil || *o.TLSVerify || o.AuthFile != "/a" || o.CertDir != "/c" {
		t.Fatalf("%+v", o)
	}
}

func TestSplitName(t *testing.T) {
	tests := map[string][2]string{
		"127.0.0.1:5055/a/b:latest": {"127.0.0.1:5055/a/b", "latest"},
		"localhost:5000/x":          {"localhost:5000/x", "<none>"},
		"r/x@sha256:abc":            {"r/x", "<none>"},
	}
	for in, want := range tests {
		r, tag := splitName(in)
		if r != want[0] || tag != want[1] {
			t.Errorf("%s: %s %s", in, r, tag)
		}
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 2130000: "2.13 MB", 1e9: "1 GB", -1: "unknown"} {
		if got := humanSize(n); got != want {
			t.Errorf("%d: %q want %q", n, got, want)
		}
	}
}

func TestFormatterTemplate(t *testing.T) {
	f, err := newFormatter("{{.Repository}}:{{.Tag}}")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.renderTemplate(&b, []any{imageRow{Repository: "r", Tag: "t"}}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "r:t\n" {
		t.Fatalf("%q", b.String())
	}
	if _, err := newFormatter("{{.Nope"); err == nil {
		t.Fatal("bad template accepted")
	}
}

func TestEveryCommandHasShortHelp(t *testing.T) {
	root := newRootCommand(nil, &bytes.Buffer{}, &bytes.Buffer{})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Short == "" && !c.Hidden {
			t.Errorf("%s has no short help", c.CommandPath())
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

// Fences: cobra stays in cmd/; pull knows nothing of runtime.
func TestImportFences(t *testing.T) {
	rules := map[string][]string{
		"../../pkg/pull":    {"github.com/spf13/cobra", "github.com/husk-dev/husk/pkg/runtime"},
		"../../pkg/storage": {"github.com/spf13/cobra", "github.com/husk-dev/husk/pkg/runtime", "github.com/husk-dev/husk/pkg/pull"},
		"../../pkg/userns":  {"github.com/spf13/cobra"},
		"../../pkg/runtime": {"github.com/spf13/cobra"},
		"../../pkg/netns":   {"github.com/spf13/cobra"},
	}
	for dir, banned := range rules {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no files (%v)", dir, err)
		}
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		imports := append(append([]string{}, pkg.Imports...), pkg.TestImports...)
		for _, imp := range imports {
			for _, b := range banned {
				if imp == b || strings.HasPrefix(imp, b+"/") {
					t.Errorf("%s imports %s", dir, imp)
				}
			}
		}
	}
	if _, err := os.Stat("../../pkg/pull/doc.go"); err != nil {
		t.Error("pkg/pull has no doc.go")
	}
}

// panicWriter stands for any bug below a command: it panics when written.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("a writer that panics") }

func TestPanicIsOneLineAnd125(t *testing.T) {
	var errb bytes.Buffer
	code := run([]string{"--version"}, strings.NewReader(""), panicWriter{}, &errb)
	if code != exitHusk {
		t.Errorf("exit code %d, want %d", code, exitHusk)
	}
	want := "husk: internal error, please report it with the output of --log-level=debug: a writer that panics\n"
	if errb.String() != want {
		t.Errorf("stderr %q, want %q (one line, no stack)", errb.String(), want)
	}
}
