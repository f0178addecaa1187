//go:build linux

// Command husk is a rootless, daemonless container CLI.
//
// husk is a short-lived command: GOMAXPROCS stays the machine's CPU count
// instead of being derived from (and kept in step with) the cgroup's CPU
// quota, which costs a walk of /proc/self/mountinfo and the cgroup files
// at every start.
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
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
