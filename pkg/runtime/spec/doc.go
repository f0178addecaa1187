// Package spec turns what a container should be into its OCI runtime
// config (config.json): the process from the image's config and the
// user's options (ProcessArgs, MergeEnv), then capabilities, namespaces,
// mounts, masked paths and seccomp (Generate, on runtime-tools' generator
// and moby's seccomp profiles). It is pure: it reads no store and starts
// nothing, and takes every decision (user, mounts, id maps, namespace
// paths) already made. The checks the command line runs before anything
// is created (CheckHostname, CheckMountDestination, CheckSeccompProfile)
// apply the same rules Generate does.
package spec
