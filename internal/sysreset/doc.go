// Package sysreset is husk system reset: it empties a user's husk, in the
// order that lets each step succeed: the containers (running ones are
// killed: their mounts keep the store busy) and their networks, then the
// process that holds the user namespace, then the store itself.
package sysreset
