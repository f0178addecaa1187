// Package detachkeys reads detach sequences (podman's --detach-keys
// syntax) and finds them in what a user types: attach, a foreground run
// and exec stop copying the user's input there and leave the process
// running.
package detachkeys
