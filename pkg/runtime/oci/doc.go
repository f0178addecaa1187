// Package oci drives OCI runtimes (runc, crun): every runtime command
// line husk runs is built here, behind the Driver interface, whose doc
// comment is the contract a fake (ocitest.Fake) keeps as well.
//
// It also owns what surrounds those commands: choosing the runtimes to
// try (Select, with the memory of runtimes that refused the host) and
// looking a container's runtime up again (Lookup); the runtime's global
// flags for a cgroup manager (CgroupFlags); sorting its errors (Classify
// for the 126/127 exit codes, RefusesHost for the fallback); the
// in-process delete of a stopped runc container; the console socket that
// receives a container's terminal; and the stderr gate that keeps the
// runtime's complaints out of the container's output.
//
// It knows nothing of husk's container records: pkg/runtime decides what
// to create and when, and waits for the processes.
package oci
