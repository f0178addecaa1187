// Package userns owns husk's user namespace: it decides whether a command
// needs one (never as root), computes the id mapping from /etc/subuid and
// /etc/subgid, re-executes husk inside a user+mount namespace with
// newuidmap/newgidmap (or a single-id mapping when the host has no
// subordinate ids), and turns every way that can fail into an error that says
// how to fix the host.
package userns
