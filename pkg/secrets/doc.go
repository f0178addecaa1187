// Package secrets keeps a user's secrets (husk secret): values a
// container gets at start, as a file under /run/secrets or as an
// environment variable, without their ever being part of an image or of a
// container's layer. The store is a directory (ROOT/secrets, beside the
// image store, as podman has it) holding secrets.json, the records, and
// filedriver/ID, each value; every file is 0600 and replaced atomically,
// and writers hold secrets.lock. The "file" driver is the only one.
package secrets
