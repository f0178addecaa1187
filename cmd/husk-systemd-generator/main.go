// Command husk-systemd-generator is a systemd user generator: it turns
// the user's Quadlet files (NAME.container, .volume, .network, .kube in
// ~/.config/containers/systemd and /etc/containers/systemd/users) into
// units that run husk (pkg/quadlet; docs/quadlet.md). systemd runs it as
// $PREFIX/lib/systemd/user-generators/husk-user-generator with its three
// output directories; the units go into the first.
//
//	husk-systemd-generator [-husk PATH] [-dryrun] NORMAL-DIR [EARLY-DIR LATE-DIR]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/husk-dev/husk/pkg/quadlet"
)

// huskPath is where the units find husk: make sets it to $PREFIX/bin/husk.
var huskPath = "/usr/local/bin/husk"

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("husk-systemd-generator", flag.ContinueOnError)
	husk := fs.String("husk", huskPath, "husk's absolute path, for the units' commands")
	dry := fs.Bool("dryrun", false, "print the units instead of writing them")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if !*dry && fs.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "husk-systemd-generator: give the output directory (systemd passes three; the units go into the first), or -dryrun")
		return 2
	}
	if !filepath.IsAbs(*husk) {
		fmt.Fprintf(os.Stderr, "husk-systemd-generator: husk path %q: give an absolute path\n", *husk)
		return 2
	}
	configHome := os.Getenv("XDG_CONFIG_HOME")
	if configHome == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			fmt.Fprintf(os.Stderr, "husk-systemd-generator: %v: set HOME or XDG_CONFIG_HOME\n", err)
			return 1
		}
		configHome = filepath.Join(home, ".config")
	}
	o := quadlet.Options{Husk: *husk, Dirs: quadlet.UserDirs(configHome, os.Getuid()), Out: fs.Arg(0)}
	if *dry {
		o.DryRun = os.Stdout
	}
	errs := quadlet.Generate(o)
	for _, err := range errs {
		fmt.Fprintf(os.Stderr, "husk-systemd-generator: %v\n", err)
	}
	if len(errs) > 0 {
		return 1
	}
	return 0
}
