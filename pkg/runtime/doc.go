// Package runtime owns running containers: finding and choosing an OCI
// runtime (crun, runc), turning image config and options into a bundle,
// and driving the runtime through create, start, kill and delete. For now
// it finds runtimes and reads the host's cgroup layout for husk info.
package runtime
