// Package build builds images from Containerfiles with buildah's engine
// (go.podman.io/buildah/imagebuildah), the interpreter podman build uses:
// husk writes no Containerfile parser of its own. What husk decides is
// everything around the engine, so that a build behaves like husk run:
//
//   - the store is husk's (pkg/storage), never storage.conf's;
//   - RUN steps run inside husk's user namespace (the command joined the
//     pause process before the Go runtime started), with the OCI runtime
//     husk would choose (crun, else runc, remembering a runtime that
//     refused the host) and the caller's nofile and nproc limits;
//   - their network is the one husk gives a container: a namespace with
//     pasta or slirp4netns from pkg/netns, joined by path (buildah's own
//     rootless networking needs a newer pasta than Debian 12 has), the
//     host's, or none; DNS comes from the same place as husk run's;
//   - containers.conf is not read (CONTAINERS_CONF=/dev/null), as husk
//     run does not read it: a user's file cannot change what a build does.
//
// Only the helper binary (bin/husk-transfer) links this package; the
// command binary parses the flags with buildopts and hands the build over.
package build
