//go:build linux

// Command husk-reexec runs the short jobs that husk's build engine starts
// in a chroot (user lookups in an image, buildah's copier, layer
// extraction), so that they do not pay for starting the whole transfer
// helper. bin/husk-transfer hands them here (internal/slimexec); it is not
// meant to be run by hand.
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
package main

import (
	"fmt"
	"os"

	// The packages whose jobs are served here: slimexec.c lists their
	// names.
	_ "go.podman.io/buildah/copier"
	_ "go.podman.io/buildah/pkg/chrootuser"
	_ "go.podman.io/storage/pkg/chrootarchive"
	"go.podman.io/storage/pkg/reexec"
)

func main() {
	if reexec.Init() {
		return
	}
	fmt.Fprintf(os.Stderr, "husk-reexec: %q is not a job it runs: bin/husk-transfer starts it for its build jobs; it is not a command\n", os.Args[0])
	os.Exit(125)
}
