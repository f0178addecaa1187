// Package runtime owns husk's containers on top of an OCI runtime: their
// records, their lifecycle, and the processes husk runs in them. It is
// Linux's: every file but this one, the volume store, the log writer and
// the /etc and user-check helpers is _linux.go.
//
// The layout, by concern:
//
//   - runtime/oci drives the OCI runtimes. Every runtime command line is
//     built there, behind oci.Driver (Create, Start, Exec, Delete, State,
//     Update; its doc comment is the contract, which ocitest.Suite checks
//     for the fake and for the host's runc and crun). It also chooses the
//     runtimes to try (Select, Lookup), sorts their errors (Classify,
//     RefusesHost), deletes a reaped runc container in-process, and owns
//     the console socket and the stderr gate. Signals are not a driver's:
//     husk is the parent (or subreaper) of the container's processes and
//     signals their pids, or ends a cgroup with cgroup.kill.
//   - runtime/oci/ocitest is a fake runtime for unit tests.
//   - runtime/spec is the pure generation of config.json.
//   - this package: the container record (container_linux.go: Config,
//     State, Lookup, List, Rename) and its lock and starting marker
//     (lifecycle_linux.go, reconcile_linux.go); Create and Prepare
//     (create_linux.go); the bundle (bundle_linux.go: image config and
//     options to spec.Options, /etc files, volumes); Start
//     (start_linux.go: prepare, create with fallback between runtimes,
//     record; teardown_linux.go: the exit and the teardown); Exec
//     (exec_linux.go); Remove, Kill, Stop,
//     WaitExit, Refresh; the monitor of a detached container
//     (monitor_linux.go); the container log (log.go, logs_linux.go,
//     logfiles_linux.go, logread_linux.go); cp and top; file access
//     inside a container's root that does not follow its symlinks out
//     (inroot_linux.go, inrootops_linux.go); cgroup operations (pause,
//     stats, update) and networks.
//
// One launch sequence (launch_linux.go) runs every process husk starts in
// a container, the init of run and start and the process of exec:
// become the parent of what is launched, make its stdio (a terminal
// through the console socket, or the caller's streams with stderr behind
// the gate), have the runtime create it, attach the terminal and forward
// the terminal signals to it, let it run, wait for it and drain its
// output; a failure after create kills and reaps it. The two switches
// that act on the whole process, the child-subreaper flag and the
// signal.Notify of the forwarded signals, are set only by containerParent
// (parent_linux.go), which says why.
package runtime
