// Package manifest keeps manifest lists (image indexes) in husk's store,
// as podman manifest does, with containers/common's libimage: the lists
// are stored the way podman stores them, so either tool reads the other's.
// Create, add (from a registry or the store), annotate, inspect, push (the
// list and, by default, its instances) and remove.
//
// Only the helper binary (bin/husk-transfer) links this package; the
// command binary checks the flags with manifestopts and hands the command
// over.
package manifest
