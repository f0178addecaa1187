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
//
// A caller that builds pods (pod create, run --pod, and Kubernetes YAML
// later) goes: Create with CreateOptions (name, share, the infra's
// network and ports); for each container, a runtime.Config passed through
// Join (it sets the pod's ID and namespace modes, and refuses settings of
// shared namespaces), then runtime.Create; EnsureInfra before starting a
// container; Start, Stop, Kill, Pause, Unpause, Remove and Prune for the
// pod as a whole. Starting a detached container belongs to the caller (it
// spawns husk's monitor), so these take it as a StartFunc.
package pod
