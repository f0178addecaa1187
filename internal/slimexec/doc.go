// Package slimexec makes the build engine's short-lived helper processes
// cheap to start.
//
// The storage and build libraries run small jobs in a chroot by executing
// /proc/self/exe again under another argv[0] (reexec): one build step
// starts about ten of them (user lookups in the image, buildah's copier,
// layer extraction). In the transfer helper every such start pays for
// loading a 50 MB program and running the package initialisers of
// containers/image, buildah and their dependencies: ~34 ms here, about
// half of a RUN step. bin/husk-reexec holds only the packages that serve
// those jobs and starts in half that time.
//
// A constructor in the helper (slimexec.c) runs before the Go runtime:
// when the process was started as one of those jobs and HUSK_SLIM_REEXEC
// names the slim binary, it executes that binary with the same argv,
// environment and descriptors. Enable sets the variable only after
// checking that the slim binary was built from the same module versions as
// the running one (the jobs' request formats are those modules'); without
// it, or when it does not match, the jobs run in the helper as before.
package slimexec
