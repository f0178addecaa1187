// Command husk is a rootless, daemonless container CLI.
package main

import (
	"os"

	"go.podman.io/storage/pkg/reexec"

	"github.com/husk-dev/husk/pkg/userns"
)

func main() {
	// The storage library re-executes husk for chrooted layer extraction;
	// those children must not reach the CLI.
	if reexec.Init() {
		return
	}
	if len(os.Args) > 1 && os.Args[1] == userns.PauseArg {
		userns.RunPause()
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
