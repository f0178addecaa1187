// Package ocitest has a fake OCI runtime for unit tests (Fake) and the
// checks of the oci.Driver contract (Suite) that the fake passes.
//
// The fake runs a container's process on the host, as runc would run it
// in the container: its arguments, environment, stdio or terminal, pid
// file and created/running/stopped life are real; namespaces, the rootfs
// and cgroups are not. It records every command it is given and can be
// told to fail any of them, which is how the fault paths of
// pkg/runtime's launch, Start, Exec and the monitor are tested without
// root or a runtime binary.
package ocitest
