// Command husk is a rootless, daemonless container CLI.
package main

import (
	"os"

	"go.podman.io/storage/pkg/reexec"
)

func main() {
	// The storage library re-executes husk for chrooted layer extraction;
	// those children must not reach the CLI.
	if reexec.Init() {
		return
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
