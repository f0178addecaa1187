//go:build linux

package main

import (
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/runtime"
)

// addPidFileFlags declares run and create's --pidfile and
// --conmon-pidfile.
func addPidFileFlags(fs *pflag.FlagSet) *runtime.PidFiles {
	p := &runtime.PidFiles{}
	fs.StringVar(&p.PidFile, "pidfile", "", "write the container's pid to this file at each start")
	fs.StringVar(&p.ConmonPidFile, "conmon-pidfile", "", "write the pid of the husk process that monitors the container (podman: conmon's) to this file at each start")
	return p
}
