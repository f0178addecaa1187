//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Every setting a library names in an error (internal/setting) is spelled
// as a flag that exists: the libraries' names and the command's flags
// cannot drift apart unnoticed.
func TestSettingNamesAreFlags(t *testing.T) {
	flags := map[string]bool{}
	_, root := newApp(nil, nil, nil)
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(root)

	names := map[string]string{}
	for _, l := range (cgroups.Resources{Memory: 1, MemoryReservation: 1, MemorySwap: 1, CPUs: 1, CPUShares: 2,
		CPUWeight: 1, CpusetCpus: "0", PidsLimit: 1, BlkioWeight: 10}).Limits() {
		names[l.Setting] = "cgroups.Resources.Limits"
	}
	literal := regexp.MustCompile(`"(?:[^"\\\n]|\\.)*"`)
	ref := regexp.MustCompile(`\{-?([a-z][a-z0-9-]*)(?:=[a-z0-9.-]+)?\}`)
	for _, dir := range []string{"../../pkg", "../../internal"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil || !bytes.Contains(b, []byte(`"github.com/husk-dev/husk/internal/setting"`)) {
				return err
			}
			for _, l := range literal.FindAll(b, -1) {
				for _, m := range ref.FindAllSubmatch(l, -1) {
					names[string(m[1])] = path
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(names) < 10 {
		t.Fatalf("found only %d setting names: the scan is broken", len(names))
	}
	for n, where := range names {
		if !flags[n] {
			t.Errorf("%s names the setting %q, but husk has no flag --%s", where, n, n)
		}
	}
}

// The user sees a library's settings as flags, however deep the error.
func TestMessageSpellsSettingsAsFlags(t *testing.T) {
	err := fmt.Errorf("create container: %w", setting.Errorf("{memory-swap} needs {memory} as well"))
	var buf bytes.Buffer
	if code := exitCode(err, &buf); code != exitHusk {
		t.Errorf("exit code %d, want %d", code, exitHusk)
	}
	if got, want := buf.String(), "husk: create container: --memory-swap needs --memory as well\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}
