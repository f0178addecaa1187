// Package cgroups places containers in cgroups (v2) the user may manage,
// applies and checks resource limits, and freezes, kills and reads the
// statistics of a container's cgroup.
//
// Contract: Detect says what the host offers; Check refuses, before
// anything starts, every limit the host cannot enforce, naming the missing
// controller and the fix; Plan decides where a container's cgroup goes and
// what the OCI runtime is told; the Cgroup operations work on the cgroup
// v2 directory a container ended up in.
//
// Everything but the resource limits themselves (Resources) is Linux-only.
package cgroups
