// Package storage owns husk's per-user image store: where it lives, which
// graph driver it uses (chosen once per store and remembered), looking up
// images by ID, name or short name, and the store-wide operations behind
// husk images, rmi, image prune, system df, check and reset. It wraps
// go.podman.io/storage and never prints.
package storage
