package storage

import "go.podman.io/storage/pkg/ioutils"

// NoFsyncForRestOfProcess makes containers/storage replace its files
// without fsync from now until this process exits: a switch for the
// whole process, not for one store (containers/storage keeps the choice
// in a package variable and offers no per-store option).
//
// It is for a process that runs a --rm container from start to removal:
// that container's records are volatile already (written without fsync,
// as podman does), and what storage still syncs for it are the run root's
// mount counts, which a reboot discards anyway. Where the run root is on
// a disk rather than a tmpfs (hosts without systemd's /run/user), those
// were six fsyncs, each a journal commit, per run. The process must write
// nothing else to the store after the call (a --rm run does not).
func NoFsyncForRestOfProcess() {
	ioutils.SetDefaultOptions(ioutils.AtomicFileWriterOptions{NoSync: true})
}
