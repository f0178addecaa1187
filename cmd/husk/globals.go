//go:build linux

package main

import (
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/runtime"
)

// globalOptions are husk's global settings: one description of them,
// given as flags of the root command, handed on the same way (args) to
// every husk process a command starts (a detached container's monitor,
// the transfer helper, the pause process), and recorded in a container at
// create (recorded) so that later commands start it as the user chose.
type globalOptions struct {
	root          string
	runRoot       string
	storageDriver string
	logLevel      string
	runtime       string
	cgroupManager string
	eventsBackend string
	volumePath    string
	// runtimeFlags (--runtime-flag) go to the OCI runtime as global
	// options; storageOpts (--storage-opt) to the storage driver.
	runtimeFlags []string
	storageOpts  []string
	// hooksDirs (--hooks-dir) replace the default directories of OCI
	// hook files.
	hooksDirs []string
	// cdiSpecDirs (--cdi-spec-dir) replace the default directories of
	// CDI spec files.
	cdiSpecDirs []string

	// flags are the flags the settings were parsed from (which of them
	// were given).
	flags *pflag.FlagSet
}

// globalFlag is one global setting's flag.
type globalFlag struct {
	name, def, usage string
	value            func(*globalOptions) *string
}

var globalFlags = []globalFlag{
	{"root", "", "storage root directory (default: $XDG_DATA_HOME/husk/storage, /var/lib/husk/storage as root)",
		func(g *globalOptions) *string { return &g.root }},
	{"runroot", "", "storage run-state directory (default: $XDG_RUNTIME_DIR/husk/storage, /run/husk/storage as root)",
		func(g *globalOptions) *string { return &g.runRoot }},
	{"storage-driver", "", "storage driver: overlay, fuse-overlayfs or vfs (default: chosen for the host when the store is created)",
		func(g *globalOptions) *string { return &g.storageDriver }},
	{"log-level", "warn", "log level: trace, debug, info, warn (or warning), error, fatal, panic",
		func(g *globalOptions) *string { return &g.logLevel }},
	{"cgroup-manager", "", "cgroup manager: systemd (a transient scope through your systemd manager) or cgroupfs (a directory in your delegated cgroup); default: systemd when reachable on a cgroup v2 host",
		func(g *globalOptions) *string { return &g.cgroupManager }},
	{"events-backend", "file", "where events are recorded: file (the store's journal, which husk events reads) or none",
		func(g *globalOptions) *string { return &g.eventsBackend }},
	{"runtime", "", "OCI runtime NAME or PATH (default: crun if it can run on this host, else runc)",
		func(g *globalOptions) *string { return &g.runtime }},
	{"volumepath", "", "directory of named volumes (default: ROOT/volumes), as podman's; containers created with it keep it",
		func(g *globalOptions) *string { return &g.volumePath }},
}

// register declares the global flags on fs.
func (g *globalOptions) register(fs *pflag.FlagSet) {
	g.flags = fs
	for _, f := range globalFlags {
		fs.StringVar(f.value(g), f.name, f.def, f.usage)
	}
	for _, f := range listFlags {
		stringArrayVar(fs, f.value(g), f.name, nil, f.usage)
	}
}

// listFlag is a global setting given any number of times.
type listFlag struct {
	name, usage string
	value       func(*globalOptions) *[]string
}

var listFlags = []listFlag{
	{"runtime-flag", "give the OCI runtime the global option --FLAG (e.g. debug, log=FILE), as podman; repeatable",
		func(g *globalOptions) *[]string { return &g.runtimeFlags }},
	{"storage-opt", "a storage driver option KEY=VALUE (e.g. overlay.mount_program=/usr/bin/fuse-overlayfs, overlay.ignore_chown_errors=true); the driver refuses unknown keys; repeatable",
		func(g *globalOptions) *[]string { return &g.storageOpts }},
	{"hooks-dir", "read OCI hook files (hooks.d, version 1.0.0) from this directory instead of the defaults (/usr/share/containers/oci/hooks.d, /etc/containers/oci/hooks.d, and rootless ~/.config/containers/oci/hooks.d); repeatable, later ones override files of the same name",
		func(g *globalOptions) *[]string { return &g.hooksDirs }},
	{"cdi-spec-dir", "read CDI spec files (for --device vendor.com/class=name) from this directory instead of the defaults (/etc/cdi, /var/run/cdi); repeatable, later ones take precedence",
		func(g *globalOptions) *[]string { return &g.cdiSpecDirs }},
}

// args are the settings that were given (or taken from a container's
// record), as arguments for a husk process this one starts.
func (g *globalOptions) args() []string {
	var out []string
	for _, f := range globalFlags {
		if fl := g.flags.Lookup(f.name); fl != nil && fl.Changed {
			out = append(out, "--"+f.name+"="+*f.value(g))
		}
	}
	for _, f := range listFlags {
		for _, v := range *f.value(g) {
			out = append(out, "--"+f.name+"="+v)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return flagName(out[i]) < flagName(out[j]) }) // by flag name: the same line for the same settings
	return out
}

// given reports whether the setting of flag name was given.
func (g *globalOptions) given(name string) bool {
	fl := g.flags.Lookup(name)
	return fl != nil && fl.Changed
}

// recorded is what a container created now records of the settings: the
// ones that were given.
func (g *globalOptions) recorded() runtime.Settings {
	var s runtime.Settings
	if g.given("runtime") {
		s.Runtime = g.runtime
	}
	if g.given("cgroup-manager") {
		s.CgroupManager = g.cgroupManager
	}
	if g.given("storage-driver") {
		s.StorageDriver = g.storageDriver
	}
	if g.given("volumepath") {
		s.VolumePath = g.volumePath
	}
	return s
}

// adopt takes a container's recorded settings for those not given now,
// and reports whether any changed (the environment must then be made
// again).
func (g *globalOptions) adopt(s runtime.Settings) (bool, error) {
	changed := false
	for _, r := range []struct{ name, value string }{
		{"runtime", s.Runtime}, {"cgroup-manager", s.CgroupManager}, {"storage-driver", s.StorageDriver},
		{"volumepath", s.VolumePath},
	} {
		if r.value == "" || g.given(r.name) {
			continue
		}
		if err := g.flags.Set(r.name, r.value); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

// flagName is the name in an argument --NAME=VALUE.
func flagName(arg string) string {
	name, _, _ := strings.Cut(arg, "=")
	return name
}
