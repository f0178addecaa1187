// Package attach connects a user to a running detached container: what
// it writes from now on, until it exits, and, if it was started with
// stdin open, what the user types or pipes, through the attach socket its
// monitor holds.
package attach
