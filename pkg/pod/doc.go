// Package pod owns pods: groups of containers that share namespaces (net,
// ipc, uts, and pid or cgroup when asked) held by an infra container, and
// that start, stop and go away together.
//
// A pod is a record in the store (GRAPHROOT/husk-pods/ID/pod.json); its
// containers are ordinary pkg/runtime containers that carry the pod's ID
// (runtime.PodMember) and join the infra container's namespaces with
// container:INFRA modes. The infra container needs no image: its root is
// an empty directory of the store with catatonit bound in, run as
// "catatonit -P" (podman builds its pause image from the same binary).
// Starting a detached container belongs to the caller (it spawns husk's
// monitor), so the lifecycle functions take it as a StartFunc.
package pod
